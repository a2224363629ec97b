import Foundation
import KeelDomain
import XCTest

final class ScopeAndRulesTests: XCTestCase {
    let a = UUID(), b = UUID()

    func testClientPeopleSeeExactlyTheirOwnOrganisation() {
        let scope = OrganizationScope.of(role: .clientUser, organizationID: a, technicianOrganizations: [])
        XCTAssertTrue(scope.contains(a))
        XCTAssertFalse(scope.contains(b))
        XCTAssertFalse(scope.contains(nil))
    }

    func testClientWithoutOrganisationSeesNothing() {
        let scope = OrganizationScope.of(role: .clientAdmin, organizationID: nil, technicianOrganizations: [a])
        XCTAssertEqual(scope, .only([]))
    }

    func testTechniciansAreLimitedOnlyWhenAssigned() {
        XCTAssertEqual(OrganizationScope.of(role: .technician, organizationID: nil, technicianOrganizations: []), .all)
        XCTAssertEqual(OrganizationScope.of(role: .technician, organizationID: nil, technicianOrganizations: [b]), .only([b]))
        XCTAssertEqual(OrganizationScope.of(role: .providerAdmin, organizationID: nil, technicianOrganizations: [b]), .all)
    }

    func testOnlyAdminsHandOutRoles() {
        XCTAssertEqual(Role.clientAdmin.assignableRoles, [.clientAdmin, .clientUser])
        XCTAssertEqual(Role.technician.assignableRoles, [])
        XCTAssertEqual(Role.providerAdmin.assignableRoles.count, 4)
    }

    func testEmailAndDomainRules() {
        XCTAssertTrue(FieldRules.isEmail("office@greenlaw.example"))
        XCTAssertFalse(FieldRules.isEmail("office@greenlaw"))
        XCTAssertFalse(FieldRules.isEmail("a b@x.example"))
        XCTAssertFalse(FieldRules.isEmail("@x.example"))
        XCTAssertTrue(FieldRules.isDomain("huaxin-design.example"))
        XCTAssertFalse(FieldRules.isDomain("-bad.example"))
        XCTAssertEqual(FieldRules.domainList("A.example, b.example;a.example"), ["a.example", "b.example"])
        XCTAssertNil(FieldRules.domainList("a.example, not a domain"))
    }

    func testTextAndTimezoneRules() {
        XCTAssertEqual(FieldRules.cleanText("  华信设计  ", maximum: 10), "华信设计")
        XCTAssertNil(FieldRules.cleanText("   ", maximum: 10))
        XCTAssertNil(FieldRules.cleanText(String(repeating: "x", count: 11), maximum: 10))
        XCTAssertNil(FieldRules.cleanText("bad\u{0007}bell", maximum: 100))
        XCTAssertTrue(FieldRules.isTimeZone("Asia/Shanghai"))
        XCTAssertFalse(FieldRules.isTimeZone("Mars/Olympus"))
    }
}

import Fluent
import Foundation
import SQLKit
import XCTest
import XCTVapor
@testable import KeelServer

final class AuditChainServerTests: KeelTestCase {
    func testTheChainOfARealInstallVerifies() async throws {
        let admin = try await token("admin@keel.test")
        _ = try await call(.PATCH, "/api/v1/organizations/\(bloom.uuidString)", token: admin, json: #"{"headcount":10}"#)
        let verdict = try await AuditLog.verify(on: app.db, pageSize: 7)
        guard case .intact(let rows) = verdict else { return XCTFail("\(verdict)") }
        let total = try await count(AuditEvent.self)
        XCTAssertEqual(rows, total)
    }

    func testAnEditedRowIsFoundAndNamed() async throws {
        let target = try await AuditEvent.query(on: app.db).sort(\.$id).offset(4).first()!
        let sql = app.db as! any SQLDatabase
        try await sql.raw("UPDATE audit_events SET actor_label = 'someone-else' WHERE seq = \(bind: target.id!)").run()
        let value1 = try await AuditLog.verify(on: app.db, pageSize: 3)
        XCTAssertEqual(value1, .tampered(sequence: target.id!, reason: "hash_mismatch"))
    }

    func testADeletedRowIsFound() async throws {
        let rows = try await AuditEvent.query(on: app.db).sort(\.$id).all()
        let sql = app.db as! any SQLDatabase
        try await sql.raw("DELETE FROM audit_events WHERE seq = \(bind: rows[3].id!)").run()
        let value2 = try await AuditLog.verify(on: app.db)
        XCTAssertEqual(value2, .tampered(sequence: rows[4].id!, reason: "previous_hash_mismatch"))
    }

    func testConcurrentWritesKeepOneUnbrokenChain() async throws {
        let admin = try await token("admin@keel.test")
        let app = self.app!
        let path = "/api/v1/organizations/\(bloom.uuidString)"
        try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for index in 0..<12 {
                group.addTask {
                    var status: HTTPStatus = .internalServerError
                    try await app.test(.PATCH, path, beforeRequest: { req in
                        req.headers.bearerAuthorization = BearerAuthorization(token: admin)
                        req.headers.contentType = .json
                        req.body = ByteBuffer(string: "{\"headcount\":\(20 + index)}")
                    }, afterResponse: { res async in status = res.status })
                    return status
                }
            }
            for try await status in group { XCTAssertEqual(status, .ok) }
        }
        guard case .intact = try await AuditLog.verify(on: app.db) else { return XCTFail("chain broken under concurrency") }
    }
}

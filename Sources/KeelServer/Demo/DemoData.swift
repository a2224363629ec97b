import Crypto
import Fluent
import Foundation
import Vapor

/// The demo data set: one provider, three client organisations, their people. Ids are
/// derived from names, so every install of the demo looks the same.
enum DemoData {
    static let defaultPassword = "keel-demo-2026"
    static let adminEmail = "admin@keel.test"

    struct Person { let email: String; let name: String; let role: String; let organization: String?; let language: String? }
    struct Org { let key: String; let name: String; let language: String; let timezone: String; let domains: String; let headcount: Int; let sites: [(String, String, String)] }

    static let organizations: [Org] = [
        Org(key: "green", name: "Green & Co Solicitors", language: "en", timezone: "Europe/London", domains: "greenlaw.example", headcount: 60,
            sites: [("London office", "12 Chancery Lane, London WC2A 1LS", "Europe/London"),
                    ("Manchester office", "3 Spring Gardens, Manchester M2 1FB", "Europe/London")]),
        Org(key: "huaxin", name: "华信设计 Huaxin Design", language: "zh-Hans", timezone: "Asia/Shanghai", domains: "huaxin-design.example", headcount: 120,
            sites: [("上海总部", "上海市徐汇区漕溪北路 88 号", "Asia/Shanghai")]),
        Org(key: "bloom", name: "Bloom Florists", language: "en", timezone: "Europe/London", domains: "bloom.example", headcount: 8,
            sites: [("Shop", "5 Market Street, Bath BA1 1AA", "Europe/London")]),
    ]

    static let people: [Person] = [
        Person(email: adminEmail, name: "Alex Morgan", role: "provider_admin", organization: nil, language: "en"),
        Person(email: "tech1@keel.test", name: "Sam Carter", role: "technician", organization: nil, language: "en"),
        Person(email: "tech2@keel.test", name: "Priya Shah", role: "technician", organization: nil, language: "en"),
        Person(email: "tech3@keel.test", name: "陈志强 Chen Zhiqiang", role: "technician", organization: nil, language: "zh-Hans"),
        Person(email: "office@greenlaw.example", name: "Helen Green", role: "client_admin", organization: "green", language: "en"),
        Person(email: "j.patel@greenlaw.example", name: "Jay Patel", role: "client_user", organization: "green", language: nil),
        Person(email: "s.okafor@greenlaw.example", name: "Sarah Okafor", role: "client_user", organization: "green", language: nil),
        Person(email: "admin@huaxin-design.example", name: "刘敏 Liu Min", role: "client_admin", organization: "huaxin", language: "zh-Hans"),
        Person(email: "wang.fang@huaxin-design.example", name: "王芳 Wang Fang", role: "client_user", organization: "huaxin", language: "zh-Hans"),
        Person(email: "li.lei@huaxin-design.example", name: "李雷 Li Lei", role: "client_user", organization: "huaxin", language: nil),
        Person(email: "owner@bloom.example", name: "Rosa Bloom", role: "client_admin", organization: "bloom", language: "en"),
        Person(email: "shop@bloom.example", name: "Tom Hughes", role: "client_user", organization: "bloom", language: nil),
    ]

    /// Office hours of two clients: England and Wales bank holidays; China's public holidays
    /// with their make-up working days (调休). Bloom uses the default calendar.
    static let calendars: [(String, String)] = [
        ("green", #"""
        {"name":"Green & Co, London","timezone":"Europe/London",
         "weekly":{"mon":[["09:00","17:30"]],"tue":[["09:00","17:30"]],"wed":[["09:00","17:30"]],"thu":[["09:00","17:30"]],
                   "fri":[["09:00","17:30"]],"sat":[],"sun":[]},
         "holidays":["2026-08-31","2026-12-25","2026-12-28","2027-01-01","2027-03-26","2027-03-29","2027-05-03","2027-05-31","2027-08-30"],
         "workdays":[]}
        """#),
        ("huaxin", #"""
        {"name":"华信设计 上海","timezone":"Asia/Shanghai",
         "weekly":{"mon":[["09:00","12:00"],["13:00","18:00"]],"tue":[["09:00","12:00"],["13:00","18:00"]],
                   "wed":[["09:00","12:00"],["13:00","18:00"]],"thu":[["09:00","12:00"],["13:00","18:00"]],
                   "fri":[["09:00","12:00"],["13:00","18:00"]],"sat":[],"sun":[]},
         "holidays":["2026-10-01","2026-10-02","2026-10-05","2026-10-06","2026-10-07","2027-01-01",
                     "2027-02-05","2027-02-08","2027-02-09","2027-02-10","2027-02-11"],
         "workdays":["2026-09-27","2026-10-10","2027-02-20"]}
        """#),
    ]

    static func id(_ name: String) -> UUID {
        var bytes = Array(SHA256.hash(data: Data("keel-demo:\(name)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// Loads the data set unless it is already there. Returns whether it loaded.
    @discardableResult
    static func load(into app: Application, password: String, tickets: Bool = true, now: Date = Date()) async throws -> Bool {
        if try await User.query(on: app.db).filter(\.$email == adminEmail).first() != nil { return false }
        let hash = try await app.passwordHasher.hash(password)
        let actor = AuditActor(userID: nil, label: "demo", via: "system", credentialID: nil, address: nil)
        let box = try app.secretBox
        try await app.write { db in
            for org in organizations {
                let model = Organization()
                model.id = id("org:\(org.key)")
                model.name = org.name
                model.defaultLanguage = org.language
                model.timezone = org.timezone
                model.emailDomains = org.domains
                model.headcount = org.headcount
                model.active = true
                try await model.create(on: db)
                _ = try await EnrolmentKeys.issue(for: model.requireID(), box: box, on: db)
                var changes = ChangeSet()
                changes.created(["name": org.name, "defaultLanguage": org.language, "timezone": org.timezone, "emailDomains": org.domains])
                try await AuditLog.append(on: db, actor: actor, organizationID: model.id, action: "organization.create",
                                          entityType: "organization", entityID: model.id?.uuidString.lowercased(), changes: changes)
                for (name, address, zone) in org.sites {
                    let site = Site()
                    site.id = id("site:\(org.key):\(name)")
                    site.$organization.id = model.id!
                    site.name = name
                    site.address = address
                    site.timezone = zone
                    try await site.create(on: db)
                }
            }
            for person in people {
                let user = User()
                user.id = id("user:\(person.email)")
                user.email = person.email
                user.name = person.name
                user.role = person.role
                user.$organization.id = person.organization.map { id("org:\($0)") }
                user.passwordHash = hash
                user.language = person.language
                // Provider staff have no organisation to take a timezone from: give them their own.
                if person.organization == nil { user.timezone = person.language == "zh-Hans" ? "Asia/Shanghai" : "Europe/London" }
                user.active = true
                try await user.create(on: db)
                var changes = ChangeSet()
                changes.created(["email": person.email, "name": person.name, "role": person.role])
                try await AuditLog.append(on: db, actor: actor, organizationID: user.$organization.id, action: "user.create",
                                          entityType: "user", entityID: user.id?.uuidString.lowercased(), changes: changes)
            }
            for (key, definition) in calendars {
                let calendar = BusinessCalendarRecord()
                calendar.id = id("calendar:\(key)")
                calendar.organizationID = id("org:\(key)")
                calendar.name = key
                calendar.definition = definition
                try await calendar.create(on: db)
            }
            // The Chinese-speaking technician looks after the Shanghai client only.
            try await TechnicianAssignment(userID: id("user:tech3@keel.test"), organizationID: id("org:huaxin")).create(on: db)
            if tickets {
                try await DemoTickets.load(on: db, now: now, organizations: [("green", false, 260), ("huaxin", true, 320), ("bloom", false, 40)])
                try await DemoAssets.load(on: db, now: now)
            }
        }
        return true
    }
}

import Fluent
import Foundation
import KeelDomain

/// A realistic year of tickets for the demo clients, generated from a fixed seed so every
/// demo install has the same tickets (dated relative to its first start).
enum DemoTickets {
    /// SplitMix64: small, fast and the same on every platform.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Topic { let title: String; let body: String; let category: String; let impact: Impact; let urgency: Urgency }

    static let english: [Topic] = [
        Topic(title: "Outlook keeps asking for my password", body: "Since this morning Outlook prompts for the password every few minutes.", category: "Email", impact: .user, urgency: .medium),
        Topic(title: "Printer on the 2nd floor shows offline", body: "Nobody on the second floor can print; the printer says ready.", category: "Printing", impact: .department, urgency: .medium),
        Topic(title: "New starter needs a laptop and accounts", body: "A trainee solicitor starts on Monday; please prepare a laptop, email and DMS access.", category: "Accounts & access", impact: .user, urgency: .low),
        Topic(title: "Wi-Fi drops in the meeting rooms", body: "Calls on the guest and staff Wi-Fi drop every ten minutes in rooms 3 and 4.", category: "Network", impact: .department, urgency: .high),
        Topic(title: "Case management system is very slow", body: "Opening a matter takes over a minute for everyone.", category: "Software", impact: .organization, urgency: .high),
        Topic(title: "Suspicious email asking to pay an invoice", body: "A supplier's address asked us to change bank details. Is it phishing?", category: "Security", impact: .organization, urgency: .high),
        Topic(title: "Laptop battery swells", body: "The laptop lid no longer closes properly; the battery looks swollen.", category: "Hardware", impact: .user, urgency: .high),
        Topic(title: "VPN disconnects every hour", body: "Working from home, the VPN drops every hour and I lose my session.", category: "Network", impact: .user, urgency: .medium),
        Topic(title: "Please install Adobe Acrobat Pro", body: "I need to redact PDFs for a disclosure bundle.", category: "Software", impact: .user, urgency: .low),
        Topic(title: "Shared mailbox missing for reception", body: "Reception cannot see the enquiries mailbox any more.", category: "Email", impact: .department, urgency: .medium),
        Topic(title: "Till card reader not connecting", body: "The card reader will not pair with the till this morning.", category: "Hardware", impact: .organization, urgency: .high),
        Topic(title: "Teams camera shows a black screen", body: "The camera light is on but Teams shows black.", category: "Hardware", impact: .user, urgency: .medium),
    ]

    static let chinese: [Topic] = [
        Topic(title: "共享盘无法访问", body: "设计部的 NAS 共享盘从今天上午开始打不开，提示找不到网络路径。", category: "Network", impact: .department, urgency: .high),
        Topic(title: "打印机卡纸", body: "三楼彩色打印机一直提示卡纸，已经检查过纸盒。", category: "Printing", impact: .department, urgency: .medium),
        Topic(title: "新员工入职需要开通账号", body: "下周一有两位设计师入职，请准备电脑、邮箱和渲染软件授权。", category: "Accounts & access", impact: .user, urgency: .low),
        Topic(title: "渲染软件授权到期", body: "3ds Max 提示授权将在 7 天后过期。", category: "Software", impact: .department, urgency: .medium),
        Topic(title: "全公司网络很慢", body: "下载和上传文件都非常慢，影响给客户传图。", category: "Network", impact: .organization, urgency: .high),
        Topic(title: "收到可疑的钓鱼邮件", body: "有员工收到冒充银行的邮件，要求点击链接修改密码。", category: "Security", impact: .organization, urgency: .high),
        Topic(title: "邮箱容量已满", body: "邮箱提示空间不足，无法接收客户的大附件。", category: "Email", impact: .user, urgency: .medium),
        Topic(title: "电脑开机蓝屏", body: "我的工作站今天开机后蓝屏，错误代码 0x0000007E。", category: "Hardware", impact: .user, urgency: .high),
        Topic(title: "会议室投影仪无法显示", body: "大会议室投影仪连接笔记本后没有画面。", category: "Hardware", impact: .department, urgency: .medium),
        Topic(title: "需要安装字体包", body: "新项目需要方正字体，请帮忙安装到设计部所有电脑。", category: "Software", impact: .department, urgency: .low),
    ]

    static let replies = ["Thanks, we are looking at it now.", "We have applied a fix; please try again.",
                          "Could you send a screenshot of the message?", "Fixed on our side; closing after your confirmation."]
    static let repliesZh = ["收到，我们正在处理。", "已经修复，请再试一次。", "请发一张报错截图给我们。", "问题已解决，请确认。"]
    static let notes = ["Checked the logs; known issue with the last update.", "Vendor case opened, waiting on them.",
                        "Same root cause as last month; consider a permanent fix."]

    /// Creates the tickets inside the demo's write transaction.
    static func load(on db: any Database, now: Date, organizations: [(key: String, zh: Bool, count: Int)]) async throws {
        var random = Seeded(state: 20_261_123)
        let policy = SLAPolicy.standard
        let staff = ["tech1@keel.test", "tech2@keel.test", "tech3@keel.test"].map { DemoData.id("user:\($0)") }
        for organization in organizations {
            let organizationID = DemoData.id("org:\(organization.key)")
            let people = DemoData.people.filter { $0.organization == organization.key }.map { DemoData.id("user:\($0.email)") }
            let zone = DemoData.organizations.first { $0.key == organization.key }?.timezone ?? "UTC"
            let calendar = DemoData.calendars.first { $0.0 == organization.key }
                .flatMap { try? BusinessCalendar.decode(json: Data($0.1.utf8)) } ?? (try? BusinessCalendar.standard(timeZoneIdentifier: zone)) ?? .twentyFourSeven
            let clock = SLAClock(policy: policy, calendar: calendar)
            let topics = organization.zh ? chinese : english
            for index in 0..<organization.count {
                let topic = topics[Int(random.next() % UInt64(topics.count))]
                // Spread over a year, denser recently; the newest few are still open.
                let ageDays = Double(organization.count - index) / Double(organization.count) * 365 * Double.random(in: 0.9...1.0, using: &random)
                let created = now.addingTimeInterval(-ageDays * 86_400 - Double(random.next() % 36_000))
                let priority = PriorityMatrix.standard.priority(impact: topic.impact, urgency: topic.urgency)
                let assignee = organization.key == "huaxin" ? staff[2] : staff[Int(random.next() % 2)]
                let recent = ageDays < 4
                let status: TicketStatus = recent ? [.new, .open, .pendingCustomer, .open][Int(random.next() % 4)]
                    : (ageDays < 14 ? .resolved : .closed)
                let responseMinutes = Double(10 + random.next() % 240)
                let respondedAt = status == .new ? nil : created.addingTimeInterval(responseMinutes * 60)
                let resolvedAt = status.isDone ? created.addingTimeInterval(Double(1 + random.next() % 72) * 3600) : nil

                let ticket = Ticket()
                ticket.id = DemoData.id("ticket:\(organization.key):\(index)")
                ticket.number = 0
                ticket.$organization.id = organizationID
                ticket.title = topic.title
                ticket.body = topic.body
                ticket.status = status.rawValue
                ticket.impact = topic.impact.rawValue
                ticket.urgency = topic.urgency.rawValue
                ticket.setPriority(priority)
                ticket.category = topic.category
                ticket.$requester.id = people[Int(random.next() % UInt64(people.count))]
                ticket.$assignee.id = status == .new ? nil : assignee
                ticket.channel = ["portal", "email", "phone", "portal"][Int(random.next() % 4)]
                ticket.firstRespondedAt = respondedAt
                ticket.resolvedAt = resolvedAt
                ticket.closedAt = status == .closed ? resolvedAt?.addingTimeInterval(7 * 86_400) : nil
                ticket.createdAt = created
                ticket.updatedAt = ticket.closedAt ?? resolvedAt ?? respondedAt ?? created
                var changes: [StatusChange] = []
                if let respondedAt { changes.append(StatusChange(at: respondedAt, status: .open)) }
                if status == .pendingCustomer, let respondedAt { changes.append(StatusChange(at: respondedAt.addingTimeInterval(600), status: .pendingCustomer)) }
                if let resolvedAt { changes.append(StatusChange(at: resolvedAt, status: .resolved)) }
                if let closed = ticket.closedAt { changes.append(StatusChange(at: closed, status: .closed)) }
                let history = TicketSLAHistory(createdAt: created, priority: priority, statusChanges: changes, firstPublicStaffReplyAt: respondedAt)
                let (first, resolution) = clock.evaluate(history, now: now)
                ticket.firstResponseDueAt = first.dueAt
                ticket.resolutionDueAt = resolution.dueAt
                ticket.slaState = SLAEngine.worst(first.state, resolution.state).rawValue
                ticket.number = try await TicketNumbers.next(on: db.sql)
                try await ticket.create(on: db)
                try await TicketHistory.record(on: db.sql, ticket: ticket, kind: "created", from: nil, to: "new", actor: ticket.$requester.id,
                                               isPublic: true, at: created)
                for change in changes {
                    try await TicketHistory.record(on: db.sql, ticket: ticket, kind: "status", from: nil, to: change.status.rawValue,
                                                   actor: assignee, isPublic: true, at: change.at)
                }
                if let respondedAt {
                    let pool = organization.zh ? repliesZh : replies
                    try await comment(on: db, ticket: ticket, author: assignee, body: pool[Int(random.next() % UInt64(pool.count))],
                                      internal: false, at: respondedAt)
                    if random.next() % 3 == 0 {
                        try await comment(on: db, ticket: ticket, author: assignee, body: notes[Int(random.next() % UInt64(notes.count))],
                                          internal: true, at: respondedAt.addingTimeInterval(300))
                    }
                    let entry = TimeEntry()
                    entry.$ticket.id = ticket.id!
                    entry.$user.id = assignee
                    entry.minutes = Int(15 + random.next() % 120)
                    entry.billable = random.next() % 5 != 0
                    entry.note = ""
                    entry.at = resolvedAt ?? respondedAt
                    try await entry.create(on: db)
                }
                for event in clock.events(history, now: now) {
                    let fact = SLAFact()
                    fact.$ticket.id = ticket.id!
                    fact.organizationID = organizationID
                    fact.clock = event.clock.rawValue
                    fact.kind = event.kind.rawValue
                    fact.dueAt = event.dueAt
                    fact.at = event.at
                    try await fact.create(on: db)
                }
            }
        }
    }

    private static func comment(on db: any Database, ticket: Ticket, author: UUID, body: String, internal isInternal: Bool, at: Date) async throws {
        let comment = TicketComment()
        comment.$ticket.id = ticket.id!
        comment.$author.id = author
        comment.body = body
        comment.isInternal = isInternal
        comment.byStaff = true
        comment.createdAt = at
        try await comment.create(on: db)
    }
}

import Fluent
import Foundation
import Leaf
import LeafKit
import Vapor

extension Application {
    /// Wires Keel into a Vapor application: configuration, database, migrations,
    /// middleware, views and routes. Starts nothing and migrates nothing.
    public func configureKeel(_ config: KeelConfig, resources: URL? = nil) throws {
        keel = config
        logger.logLevel = config.logLevel
        http.server.configuration.hostname = config.address
        http.server.configuration.port = config.port
        // Keel keeps its own request metrics (`MetricsMiddleware`); Vapor's would go to no backend.
        http.server.configuration.reportMetrics = false
        routes.defaultMaxBodySize = ByteCount(integerLiteral: config.maxBodyBytes)

        try configureDatabase(config)
        try loadSecretBox(config)
        installMailWorker()
        // The probes' HTTP clients are made on first use and closed with the application.
        lifecycle.use(ProbeClients())
        migrations.add(CreateIdentity())
        migrations.add(CreateAudit())
        migrations.add(CreateTickets())
        migrations.add(CreateNotifications())
        migrations.add(CreateAttachments())
        migrations.add(CreateSavedViews())
        migrations.add(SearchIndexes())
        migrations.add(CreateSLAPolicies())
        migrations.add(TicketListIndexes())
        migrations.add(ServiceDeskSettings())
        migrations.add(CreateAssets())
        migrations.add(CreateMail())
        migrations.add(CreateOutbox())
        migrations.add(CreateAlerts())
        migrations.add(CreateMonitorChecks())
        migrations.add(CreateAssetLedger())
        migrations.add(AssetSoftwareAppendOnly())
        migrations.add(InventoryBasicAuth())
        migrations.add(CreateActiveChecks())
        migrations.add(CreateMaintenanceWindows())
        migrations.add(AddMonitoringNotices())
        migrations.add(TicketSearchDocuments())
        migrations.add(SoftwareCatalogue())
        migrations.add(PendingMailIndex())
        migrations.add(MailThreadIndex())
        migrations.add(SearchIndexInBatches())

        let resourceRoot = resources ?? Self.defaultResources
        catalog = try Self.loadCatalog(resources: resourceRoot)
        leaf.sources = .singleSource(NIOLeafFiles(fileio: fileio, limits: [.toSandbox, .onlyLeafExtensions],
                                                  sandboxDirectory: resourceRoot.path,
                                                  viewDirectory: resourceRoot.appendingPathComponent("Views").path + "/"))
        leaf.tags["t"] = TranslateTag()
        views.use(.leaf)

        middleware = Middlewares()
        middleware.use(MiddlewareChain(middlewares: [
            MetricsMiddleware(metrics: metrics),
            KeelErrorMiddleware(),
            PublicFiles(files: FileMiddleware(publicDirectory: resourceRoot.appendingPathComponent("Public").path + "/")),
            AuthMiddleware(),
        ]))

        let document = APIDocument()
        HealthRoutes.register(self, document: document)
        let api = API(routes: grouped("api", "v1"), document: document)
        OrganizationAPI.register(api)
        UserAPI.register(api)
        TokenAPI.register(api)
        AuditQuery.register(api)
        TicketAPI.register(api)
        CalendarAPI.register(api)
        NotificationAPI.register(api)
        SavedViewAPI.register(api)
        SLAPolicies.register(api)
        PriorityMatrixSetting.register(api)
        AssetAPI.register(api)
        AssetLedgerAPI.register(api)
        AssetFields.register(api)
        LicenceAPI.register(api)
        PurchaseAdviceAPI.register(api)
        AssetImporter.register(api)
        InventoryAuth.register(api)
        MonitoringViews.register(api)
        MaintenanceWindows.register(api)
        EnrolmentKeys.register(api)
        MailQuarantine.register(api)
        MailQuarantine.registerOutbox(api)
        MailPreferences.register(api)
        AlertIntake.register(api)
        CheckAPI.register(api)
        CheckManagement.register(api)
        AttachmentAPI.register(api, maxBody: config.uploadMaxBytes)
        apiDocument = document

        AuthController.register(self)
        AccountController.register(self)
        OrganizationController.register(self)
        OrganizationController.registerSites(self)
        UserController.register(self)
        TicketController.register(self)
        TicketPages.register(self, uploadMaxBytes: config.uploadMaxBytes)
        BoardController.register(self)
        NotificationController.register(self)
        CalendarController.register(self, uploadMaxBytes: config.uploadMaxBytes)
        PriorityMatrixSetting.registerPages(self)
        InventoryIntake.register(self)
        MailQuarantine.registerPages(self)
        Heartbeats.register(self)
        AssetController.register(self)
        AssetPages.register(self)
        LicencePages.register(self)
        AssetImportPages.register(self)
        MonitoringViews.register(self)
        CheckPages.register(self)
        MaintenancePages.register(self)
    }

    /// The templates, catalogs and static files shipped with the executable.
    static var defaultResources: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    private struct DocumentKey: StorageKey { typealias Value = APIDocument }
    var apiDocument: APIDocument {
        get { storage[DocumentKey.self]! }
        set { storage[DocumentKey.self] = newValue }
    }

    /// Migrations, then per-connection database settings. Safe to run on every start.
    public func prepareKeel() async throws {
        try await prepareDatabaseConnections()
        try await autoMigrate()
    }
}

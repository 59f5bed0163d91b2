using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Postgres;

/// <inheritdoc />
public partial class FindingsSpine : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>(
            name: "RetestProposedByImportId",
            table: "Rectifications",
            type: "uuid",
            nullable: true);

        migrationBuilder.AddColumn<DateOnly>(
            name: "RetestProposedOn",
            table: "Rectifications",
            type: "date",
            nullable: true);

        migrationBuilder.CreateTable(
            name: "Assets",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                SystemId = table.Column<Guid>(type: "uuid", nullable: true),
                Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Value = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                ApkSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                AppId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                EntryUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Assets", x => x.Id);
                table.ForeignKey(
                    name: "FK_Assets_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_Assets_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "DetectionImports",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                RunDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Sequence = table.Column<int>(type: "integer", nullable: false),
                Detector = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                DetectorVersion = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                ImportedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                ImportedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                ImportedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                Scope = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                Complete = table.Column<bool>(type: "boolean", nullable: false),
                CoverageJson = table.Column<string>(type: "character varying(1000000)", maxLength: 1000000, nullable: false),
                NewCount = table.Column<int>(type: "integer", nullable: false),
                UpdatedCount = table.Column<int>(type: "integer", nullable: false),
                FixedCount = table.Column<int>(type: "integer", nullable: false),
                ReopenedCount = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_DetectionImports", x => x.Id);
                table.ForeignKey(
                    name: "FK_DetectionImports_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AssetAuthorizations",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                AssetId = table.Column<Guid>(type: "uuid", nullable: false),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                AuthorizedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                LetterFileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                LetterSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Letter = table.Column<byte[]>(type: "bytea", nullable: true),
                ValidFrom = table.Column<DateOnly>(type: "date", nullable: false),
                ValidUntil = table.Column<DateOnly>(type: "date", nullable: false),
                Detectors = table.Column<List<string>>(type: "text[]", nullable: false),
                AllowedWindow = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                MaxRatePerHost = table.Column<double>(type: "double precision", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AssetAuthorizations", x => x.Id);
                table.ForeignKey(
                    name: "FK_AssetAuthorizations_Assets_AssetId",
                    column: x => x.AssetId,
                    principalTable: "Assets",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Findings",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                AssetId = table.Column<Guid>(type: "uuid", nullable: false),
                SystemId = table.Column<Guid>(type: "uuid", nullable: true),
                Detector = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                RuleId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                Severity = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                TargetKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                TargetDisplay = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                Host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                Port = table.Column<int>(type: "integer", nullable: true),
                Origin = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                Path = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                Parameter = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                Package = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                Member = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                Account = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                Endpoint = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                Locations = table.Column<string>(type: "character varying(100000)", maxLength: 100000, nullable: false),
                EvidenceCiphertext = table.Column<string>(type: "character varying(400000)", maxLength: 400000, nullable: true),
                EvidenceMac = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Cwe = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                StandardRefs = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                HighRiskCases = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                Remediation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                Technique = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                InThirdPartyCode = table.Column<bool>(type: "boolean", nullable: false),
                Status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                StatusReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                AcceptedUntil = table.Column<DateOnly>(type: "date", nullable: true),
                FirstSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                LastImportId = table.Column<Guid>(type: "uuid", nullable: true),
                FixedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                FixedByImportId = table.Column<Guid>(type: "uuid", nullable: true),
                ReopenCount = table.Column<int>(type: "integer", nullable: false),
                DueOn = table.Column<DateOnly>(type: "date", nullable: true),
                RectificationItemId = table.Column<Guid>(type: "uuid", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Findings", x => x.Id);
                table.ForeignKey(
                    name: "FK_Findings_Assets_AssetId",
                    column: x => x.AssetId,
                    principalTable: "Assets",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_Findings_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_Findings_Rectifications_RectificationItemId",
                    column: x => x.RectificationItemId,
                    principalTable: "Rectifications",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "AssessmentFindingProposals",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                AssessmentId = table.Column<Guid>(type: "uuid", nullable: false),
                FindingId = table.Column<Guid>(type: "uuid", nullable: false),
                ItemCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                HighRiskCases = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                DecidedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AssessmentFindingProposals", x => x.Id);
                table.ForeignKey(
                    name: "FK_AssessmentFindingProposals_Assessments_AssessmentId",
                    column: x => x.AssessmentId,
                    principalTable: "Assessments",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_AssessmentFindingProposals_Findings_FindingId",
                    column: x => x.FindingId,
                    principalTable: "Findings",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "FindingSightings",
            columns: table => new
            {
                FindingId = table.Column<Guid>(type: "uuid", nullable: false),
                ImportId = table.Column<Guid>(type: "uuid", nullable: false),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                SeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_FindingSightings", x => new { x.FindingId, x.ImportId });
                table.ForeignKey(
                    name: "FK_FindingSightings_DetectionImports_ImportId",
                    column: x => x.ImportId,
                    principalTable: "DetectionImports",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_FindingSightings_Findings_FindingId",
                    column: x => x.FindingId,
                    principalTable: "Findings",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "FindingStatusChanges",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                FindingId = table.Column<Guid>(type: "uuid", nullable: false),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: false),
                From = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                To = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                ByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                ByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                ImportId = table.Column<Guid>(type: "uuid", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_FindingStatusChanges", x => x.Id);
                table.ForeignKey(
                    name: "FK_FindingStatusChanges_Findings_FindingId",
                    column: x => x.FindingId,
                    principalTable: "Findings",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_AssessmentFindingProposals_AssessmentId_FindingId_ItemCode",
            table: "AssessmentFindingProposals",
            columns: new[] { "AssessmentId", "FindingId", "ItemCode" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AssessmentFindingProposals_FindingId",
            table: "AssessmentFindingProposals",
            column: "FindingId");

        migrationBuilder.CreateIndex(
            name: "IX_AssetAuthorizations_AssetId",
            table: "AssetAuthorizations",
            column: "AssetId");

        migrationBuilder.CreateIndex(
            name: "IX_AssetAuthorizations_InstitutionId_ValidUntil",
            table: "AssetAuthorizations",
            columns: new[] { "InstitutionId", "ValidUntil" });

        migrationBuilder.CreateIndex(
            name: "IX_Assets_InstitutionId_Kind_Value",
            table: "Assets",
            columns: new[] { "InstitutionId", "Kind", "Value" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Assets_SystemId",
            table: "Assets",
            column: "SystemId");

        migrationBuilder.CreateIndex(
            name: "IX_DetectionImports_ImportedAt",
            table: "DetectionImports",
            column: "ImportedAt");

        migrationBuilder.CreateIndex(
            name: "IX_DetectionImports_InstitutionId_Detector_Sequence",
            table: "DetectionImports",
            columns: new[] { "InstitutionId", "Detector", "Sequence" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_DetectionImports_InstitutionId_RunDigest",
            table: "DetectionImports",
            columns: new[] { "InstitutionId", "RunDigest" });

        migrationBuilder.CreateIndex(
            name: "IX_Findings_AssetId",
            table: "Findings",
            column: "AssetId");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_DueOn",
            table: "Findings",
            column: "DueOn");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_InstitutionId_Detector_Status",
            table: "Findings",
            columns: new[] { "InstitutionId", "Detector", "Status" });

        migrationBuilder.CreateIndex(
            name: "IX_Findings_InstitutionId_Fingerprint",
            table: "Findings",
            columns: new[] { "InstitutionId", "Fingerprint" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Findings_LastImportId",
            table: "Findings",
            column: "LastImportId");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_LastSeenAt",
            table: "Findings",
            column: "LastSeenAt");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_RectificationItemId",
            table: "Findings",
            column: "RectificationItemId");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_Severity",
            table: "Findings",
            column: "Severity");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_Status",
            table: "Findings",
            column: "Status");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_SystemId",
            table: "Findings",
            column: "SystemId");

        migrationBuilder.CreateIndex(
            name: "IX_FindingSightings_ImportId",
            table: "FindingSightings",
            column: "ImportId");

        migrationBuilder.CreateIndex(
            name: "IX_FindingSightings_InstitutionId",
            table: "FindingSightings",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_FindingStatusChanges_FindingId_At",
            table: "FindingStatusChanges",
            columns: new[] { "FindingId", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_FindingStatusChanges_ImportId",
            table: "FindingStatusChanges",
            column: "ImportId");

        migrationBuilder.CreateIndex(
            name: "IX_FindingStatusChanges_InstitutionId",
            table: "FindingStatusChanges",
            column: "InstitutionId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "AssessmentFindingProposals");

        migrationBuilder.DropTable(
            name: "AssetAuthorizations");

        migrationBuilder.DropTable(
            name: "FindingSightings");

        migrationBuilder.DropTable(
            name: "FindingStatusChanges");

        migrationBuilder.DropTable(
            name: "DetectionImports");

        migrationBuilder.DropTable(
            name: "Findings");

        migrationBuilder.DropTable(
            name: "Assets");

        migrationBuilder.DropColumn(
            name: "RetestProposedByImportId",
            table: "Rectifications");

        migrationBuilder.DropColumn(
            name: "RetestProposedOn",
            table: "Rectifications");
    }
}

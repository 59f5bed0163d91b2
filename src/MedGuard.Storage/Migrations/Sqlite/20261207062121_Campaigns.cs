using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class Campaigns : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>(
            name: "CampaignTaskId",
            table: "DetectionImports",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Zone",
            table: "Assets",
            type: "TEXT",
            maxLength: 50,
            nullable: false,
            defaultValue: "default");

        migrationBuilder.CreateTable(
            name: "Campaigns",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                OwnerRegion = table.Column<string>(type: "TEXT", maxLength: 12, nullable: true),
                OwnerInstitutionId = table.Column<Guid>(type: "TEXT", nullable: true),
                CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ScopeJson = table.Column<string>(type: "TEXT", maxLength: 1000000, nullable: false),
                Detectors = table.Column<string>(type: "TEXT", nullable: false),
                ScheduleKind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                RunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                Cron = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                GlobalConcurrency = table.Column<int>(type: "INTEGER", nullable: false),
                Window = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                MaxTaskSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                MaxRoundSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                Ports = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                WebMaxPages = table.Column<int>(type: "INTEGER", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                StatusReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                NextRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                RoundCount = table.Column<int>(type: "INTEGER", nullable: false),
                CancelledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                CancelledBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Campaigns", x => x.Id);
                table.ForeignKey(
                    name: "FK_Campaigns_Institutions_OwnerInstitutionId",
                    column: x => x.OwnerInstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "DetectionStops",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: true),
                SetBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                SetAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                ClearedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                ClearedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_DetectionStops", x => x.Id);
                table.ForeignKey(
                    name: "FK_DetectionStops_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "CampaignRounds",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                Number = table.Column<int>(type: "INTEGER", nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                TaskCount = table.Column<int>(type: "INTEGER", nullable: false),
                SucceededCount = table.Column<int>(type: "INTEGER", nullable: false),
                FailedCount = table.Column<int>(type: "INTEGER", nullable: false),
                RefusedCount = table.Column<int>(type: "INTEGER", nullable: false),
                CancelledCount = table.Column<int>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CampaignRounds", x => x.Id);
                table.ForeignKey(
                    name: "FK_CampaignRounds_Campaigns_CampaignId",
                    column: x => x.CampaignId,
                    principalTable: "Campaigns",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "CampaignTasks",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                Detector = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Zone = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                Worker = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                JobId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                QueuedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                HeartbeatAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                NotBefore = table.Column<DateTime>(type: "TEXT", nullable: true),
                Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                ImportId = table.Column<Guid>(type: "TEXT", nullable: true),
                ScanMilliseconds = table.Column<long>(type: "INTEGER", nullable: true),
                NewCount = table.Column<int>(type: "INTEGER", nullable: false),
                FixedCount = table.Column<int>(type: "INTEGER", nullable: false),
                StillOpenCount = table.Column<int>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CampaignTasks", x => x.Id);
                table.ForeignKey(
                    name: "FK_CampaignTasks_Assets_AssetId",
                    column: x => x.AssetId,
                    principalTable: "Assets",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_CampaignTasks_CampaignRounds_RoundId",
                    column: x => x.RoundId,
                    principalTable: "CampaignRounds",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_CampaignTasks_Campaigns_CampaignId",
                    column: x => x.CampaignId,
                    principalTable: "Campaigns",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_CampaignTasks_DetectionImports_ImportId",
                    column: x => x.ImportId,
                    principalTable: "DetectionImports",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "FK_CampaignTasks_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_DetectionImports_CampaignTaskId",
            table: "DetectionImports",
            column: "CampaignTaskId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CampaignRounds_CampaignId_Number",
            table: "CampaignRounds",
            columns: new[] { "CampaignId", "Number" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CampaignRounds_Status",
            table: "CampaignRounds",
            column: "Status");

        migrationBuilder.CreateIndex(
            name: "IX_Campaigns_OwnerInstitutionId",
            table: "Campaigns",
            column: "OwnerInstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_Campaigns_OwnerRegion",
            table: "Campaigns",
            column: "OwnerRegion");

        migrationBuilder.CreateIndex(
            name: "IX_Campaigns_Status_NextRunAt",
            table: "Campaigns",
            columns: new[] { "Status", "NextRunAt" });

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_AssetId",
            table: "CampaignTasks",
            column: "AssetId");

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_CampaignId_Status",
            table: "CampaignTasks",
            columns: new[] { "CampaignId", "Status" });

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_ImportId",
            table: "CampaignTasks",
            column: "ImportId");

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_InstitutionId",
            table: "CampaignTasks",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_RoundId_Status",
            table: "CampaignTasks",
            columns: new[] { "RoundId", "Status" });

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_Status_HeartbeatAt",
            table: "CampaignTasks",
            columns: new[] { "Status", "HeartbeatAt" });

        migrationBuilder.CreateIndex(
            name: "IX_CampaignTasks_Status_InstitutionId",
            table: "CampaignTasks",
            columns: new[] { "Status", "InstitutionId" });

        migrationBuilder.CreateIndex(
            name: "IX_DetectionStops_ClearedAt_InstitutionId",
            table: "DetectionStops",
            columns: new[] { "ClearedAt", "InstitutionId" });

        migrationBuilder.CreateIndex(
            name: "IX_DetectionStops_InstitutionId",
            table: "DetectionStops",
            column: "InstitutionId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "CampaignTasks");

        migrationBuilder.DropTable(
            name: "DetectionStops");

        migrationBuilder.DropTable(
            name: "CampaignRounds");

        migrationBuilder.DropTable(
            name: "Campaigns");

        migrationBuilder.DropIndex(
            name: "IX_DetectionImports_CampaignTaskId",
            table: "DetectionImports");

        migrationBuilder.DropColumn(
            name: "CampaignTaskId",
            table: "DetectionImports");

        migrationBuilder.DropColumn(
            name: "Zone",
            table: "Assets");
    }
}

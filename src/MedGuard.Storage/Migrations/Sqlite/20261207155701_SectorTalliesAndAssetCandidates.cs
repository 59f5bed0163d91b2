using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class SectorTalliesAndAssetCandidates : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AssetCandidates",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                Origin = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                Host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                Packages = table.Column<string>(type: "TEXT", nullable: false),
                ThirdParty = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                FirstSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                FirstImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                LastImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DecidedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                DecidedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                DismissReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                AcceptedAssetId = table.Column<Guid>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AssetCandidates", x => x.Id);
                table.ForeignKey(
                    name: "FK_AssetCandidates_Assets_AcceptedAssetId",
                    column: x => x.AcceptedAssetId,
                    principalTable: "Assets",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "FK_AssetCandidates_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "SectorPlaceTallies",
            columns: table => new
            {
                Period = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                Detector = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Severity = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                Place = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                Region = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                Tier = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Count = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SectorPlaceTallies", x => new { x.Period, x.InstitutionId, x.Detector, x.Severity, x.Title, x.Place });
                table.ForeignKey(
                    name: "FK_SectorPlaceTallies_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "SectorTallies",
            columns: table => new
            {
                Period = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                Region = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                Tier = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Measure = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                Detector = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Severity = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                Port = table.Column<int>(type: "INTEGER", nullable: false),
                Count = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SectorTallies", x => new { x.Period, x.Region, x.Tier, x.Measure, x.Detector, x.Severity, x.Title, x.Port });
            });

        migrationBuilder.CreateIndex(
            name: "IX_AssetCandidates_AcceptedAssetId",
            table: "AssetCandidates",
            column: "AcceptedAssetId");

        migrationBuilder.CreateIndex(
            name: "IX_AssetCandidates_InstitutionId_Origin",
            table: "AssetCandidates",
            columns: new[] { "InstitutionId", "Origin" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AssetCandidates_InstitutionId_Status",
            table: "AssetCandidates",
            columns: new[] { "InstitutionId", "Status" });

        migrationBuilder.CreateIndex(
            name: "IX_SectorPlaceTallies_InstitutionId",
            table: "SectorPlaceTallies",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_SectorPlaceTallies_Period_Detector_Place",
            table: "SectorPlaceTallies",
            columns: new[] { "Period", "Detector", "Place" });

        migrationBuilder.CreateIndex(
            name: "IX_SectorPlaceTallies_Period_Detector_Severity_Count",
            table: "SectorPlaceTallies",
            columns: new[] { "Period", "Detector", "Severity", "Count" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "AssetCandidates");

        migrationBuilder.DropTable(
            name: "SectorPlaceTallies");

        migrationBuilder.DropTable(
            name: "SectorTallies");
    }
}

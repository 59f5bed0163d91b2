using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Postgres;

/// <inheritdoc />
public partial class SectorFiguresAndReports : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "GeneratedReports",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                FileName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                Content = table.Column<byte[]>(type: "bytea", nullable: false),
                Signed = table.Column<bool>(type: "boolean", nullable: false),
                Signer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                GeneratedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                GeneratedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                GeneratedById = table.Column<Guid>(type: "uuid", nullable: true),
                InstitutionId = table.Column<Guid>(type: "uuid", nullable: true),
                SystemId = table.Column<Guid>(type: "uuid", nullable: true),
                AssessmentId = table.Column<Guid>(type: "uuid", nullable: true),
                Region = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GeneratedReports", x => x.Id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_Findings_Detector_Host_Port",
            table: "Findings",
            columns: new[] { "Detector", "Host", "Port" });

        migrationBuilder.CreateIndex(
            name: "IX_Findings_Detector_Severity_Title",
            table: "Findings",
            columns: new[] { "Detector", "Severity", "Title" });

        migrationBuilder.CreateIndex(
            name: "IX_DetectionImports_Detector_StartedAt_InstitutionId",
            table: "DetectionImports",
            columns: new[] { "Detector", "StartedAt", "InstitutionId" });

        migrationBuilder.CreateIndex(
            name: "IX_Assets_Kind_InstitutionId",
            table: "Assets",
            columns: new[] { "Kind", "InstitutionId" });

        migrationBuilder.CreateIndex(
            name: "IX_GeneratedReports_GeneratedAt",
            table: "GeneratedReports",
            column: "GeneratedAt");

        migrationBuilder.CreateIndex(
            name: "IX_GeneratedReports_InstitutionId",
            table: "GeneratedReports",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_GeneratedReports_Region",
            table: "GeneratedReports",
            column: "Region");

        migrationBuilder.CreateIndex(
            name: "IX_GeneratedReports_SystemId",
            table: "GeneratedReports",
            column: "SystemId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "GeneratedReports");

        migrationBuilder.DropIndex(
            name: "IX_Findings_Detector_Host_Port",
            table: "Findings");

        migrationBuilder.DropIndex(
            name: "IX_Findings_Detector_Severity_Title",
            table: "Findings");

        migrationBuilder.DropIndex(
            name: "IX_DetectionImports_Detector_StartedAt_InstitutionId",
            table: "DetectionImports");

        migrationBuilder.DropIndex(
            name: "IX_Assets_Kind_InstitutionId",
            table: "Assets");
    }
}

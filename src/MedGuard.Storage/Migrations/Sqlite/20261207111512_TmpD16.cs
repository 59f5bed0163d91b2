using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class TmpD16 : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
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
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
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

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class FindingsImportTuning : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_FindingSightings_InstitutionId",
            table: "FindingSightings");

        migrationBuilder.DropIndex(
            name: "IX_Findings_LastImportId",
            table: "Findings");

        migrationBuilder.DropIndex(
            name: "IX_Findings_LastSeenAt",
            table: "Findings");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(
            name: "IX_FindingSightings_InstitutionId",
            table: "FindingSightings",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_LastImportId",
            table: "Findings",
            column: "LastImportId");

        migrationBuilder.CreateIndex(
            name: "IX_Findings_LastSeenAt",
            table: "Findings",
            column: "LastSeenAt");
    }
}

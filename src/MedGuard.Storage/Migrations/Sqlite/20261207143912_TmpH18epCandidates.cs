using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class TmpH18epCandidates : Migration
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
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "AssetCandidates");
    }
}

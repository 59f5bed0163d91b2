using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Postgres;

/// <inheritdoc />
public partial class ProcessIntegrity : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTime>(
            name: "ApprovalDecidedAt",
            table: "Gradings",
            type: "timestamp with time zone",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ApprovalDecidedBy",
            table: "Gradings",
            type: "character varying(100)",
            maxLength: 100,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ApprovalRefusalReason",
            table: "Gradings",
            type: "character varying(1000)",
            maxLength: 1000,
            nullable: true);

        migrationBuilder.AddColumn<DateOnly>(
            name: "ApprovalRequestedOn",
            table: "Gradings",
            type: "date",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ExpertReviewers",
            table: "Gradings",
            type: "character varying(500)",
            maxLength: 500,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Kind",
            table: "Assessments",
            type: "character varying(24)",
            maxLength: 24,
            nullable: false,
            defaultValue: "LevelAssessment");

        migrationBuilder.CreateTable(
            name: "DeadlineExtensionRequests",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                RectificationId = table.Column<Guid>(type: "uuid", nullable: false),
                SystemId = table.Column<Guid>(type: "uuid", nullable: false),
                RequestedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                CurrentDueOn = table.Column<DateOnly>(type: "date", nullable: true),
                RequestedDueOn = table.Column<DateOnly>(type: "date", nullable: false),
                Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                DecidedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                DecisionNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_DeadlineExtensionRequests", x => x.Id);
                table.ForeignKey(
                    name: "FK_DeadlineExtensionRequests_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_DeadlineExtensionRequests_Rectifications_RectificationId",
                    column: x => x.RectificationId,
                    principalTable: "Rectifications",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_DeadlineExtensionRequests_RectificationId_Status",
            table: "DeadlineExtensionRequests",
            columns: new[] { "RectificationId", "Status" });

        migrationBuilder.CreateIndex(
            name: "IX_DeadlineExtensionRequests_SystemId",
            table: "DeadlineExtensionRequests",
            column: "SystemId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "DeadlineExtensionRequests");

        migrationBuilder.DropColumn(
            name: "ApprovalDecidedAt",
            table: "Gradings");

        migrationBuilder.DropColumn(
            name: "ApprovalDecidedBy",
            table: "Gradings");

        migrationBuilder.DropColumn(
            name: "ApprovalRefusalReason",
            table: "Gradings");

        migrationBuilder.DropColumn(
            name: "ApprovalRequestedOn",
            table: "Gradings");

        migrationBuilder.DropColumn(
            name: "ExpertReviewers",
            table: "Gradings");

        migrationBuilder.DropColumn(
            name: "Kind",
            table: "Assessments");
    }
}

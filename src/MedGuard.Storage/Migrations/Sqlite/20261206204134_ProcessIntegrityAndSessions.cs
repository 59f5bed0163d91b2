using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class ProcessIntegrityAndSessions : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>(
            name: "LastTotpStep",
            table: "Users",
            type: "INTEGER",
            nullable: true);

        migrationBuilder.AddColumn<bool>(
            name: "MustChangePassword",
            table: "Users",
            type: "INTEGER",
            nullable: false,
            defaultValue: false);

        migrationBuilder.AddColumn<DateTime>(
            name: "PasswordChangedAt",
            table: "Users",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<DateTime>(
            name: "ApprovalDecidedAt",
            table: "Gradings",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ApprovalDecidedBy",
            table: "Gradings",
            type: "TEXT",
            maxLength: 100,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ApprovalRefusalReason",
            table: "Gradings",
            type: "TEXT",
            maxLength: 1000,
            nullable: true);

        migrationBuilder.AddColumn<DateOnly>(
            name: "ApprovalRequestedOn",
            table: "Gradings",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ExpertReviewers",
            table: "Gradings",
            type: "TEXT",
            maxLength: 500,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Kind",
            table: "Assessments",
            type: "TEXT",
            maxLength: 24,
            nullable: false,
            defaultValue: "LevelAssessment");

        migrationBuilder.CreateTable(
            name: "DeadlineExtensionRequests",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                RectificationId = table.Column<Guid>(type: "TEXT", nullable: false),
                SystemId = table.Column<Guid>(type: "TEXT", nullable: false),
                RequestedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                RequestedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                CurrentDueOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                RequestedDueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                DecidedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DecisionNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
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

        migrationBuilder.CreateTable(
            name: "PasswordHistory",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                PasswordHash = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                ReplacedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PasswordHistory", x => x.Id);
                table.ForeignKey(
                    name: "FK_PasswordHistory_Users_UserId",
                    column: x => x.UserId,
                    principalTable: "Users",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UserSessions",
            columns: table => new
            {
                Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                RevokedReason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                SourceAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserSessions", x => x.Id);
                table.ForeignKey(
                    name: "FK_UserSessions_Users_UserId",
                    column: x => x.UserId,
                    principalTable: "Users",
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

        migrationBuilder.CreateIndex(
            name: "IX_PasswordHistory_UserId_ReplacedAt",
            table: "PasswordHistory",
            columns: new[] { "UserId", "ReplacedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_UserSessions_UserId",
            table: "UserSessions",
            column: "UserId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "DeadlineExtensionRequests");

        migrationBuilder.DropTable(
            name: "PasswordHistory");

        migrationBuilder.DropTable(
            name: "UserSessions");

        migrationBuilder.DropColumn(
            name: "LastTotpStep",
            table: "Users");

        migrationBuilder.DropColumn(
            name: "MustChangePassword",
            table: "Users");

        migrationBuilder.DropColumn(
            name: "PasswordChangedAt",
            table: "Users");

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

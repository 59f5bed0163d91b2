using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class Initial : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AssessmentAgencies",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreditCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                CertificateNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Region = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                ContactName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                ContactPhone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AssessmentAgencies", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AuditEntries",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                Timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                UserId = table.Column<Guid>(type: "TEXT", nullable: true),
                UserName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                SourceAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                EntityType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                EntityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Detail = table.Column<string>(type: "TEXT", nullable: true),
                PreviousHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                Hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AuditEntries", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Institutions",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreditCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                Tier = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Region = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                DirectlyAffiliated = table.Column<bool>(type: "INTEGER", nullable: false),
                Address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                Survey_LacksProfessionals = table.Column<bool>(type: "INTEGER", nullable: true),
                Survey_PersonalDataRecords = table.Column<long>(type: "INTEGER", nullable: true),
                Survey_SecurityStaffCount = table.Column<int>(type: "INTEGER", nullable: true),
                Survey_SurveyedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                Survey_UsesCryptoAlgorithms = table.Column<bool>(type: "INTEGER", nullable: true),
                Survey_UsesCryptoDevices = table.Column<bool>(type: "INTEGER", nullable: true),
                Survey_UsesDomesticCryptoProducts = table.Column<bool>(type: "INTEGER", nullable: true),
                Survey_UsesDomesticDatabase = table.Column<bool>(type: "INTEGER", nullable: true),
                Survey_UsesDomesticMiddleware = table.Column<bool>(type: "INTEGER", nullable: true),
                Survey_UsesDomesticOperatingSystem = table.Column<bool>(type: "INTEGER", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Institutions", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "InstitutionContacts",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Title = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                Phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                Email = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_InstitutionContacts", x => x.Id);
                table.ForeignKey(
                    name: "FK_InstitutionContacts_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ProtectedSystems",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Business = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                IsCore = table.Column<bool>(type: "INTEGER", nullable: false),
                IsCriticalInfrastructure = table.Column<bool>(type: "INTEGER", nullable: false),
                InternetFacing = table.Column<bool>(type: "INTEGER", nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                InServiceSince = table.Column<DateOnly>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ProtectedSystems", x => x.Id);
                table.ForeignKey(
                    name: "FK_ProtectedSystems_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Users",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                UserName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                NormalizedUserName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Role = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                Region = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: true),
                AgencyId = table.Column<Guid>(type: "TEXT", nullable: true),
                PasswordHash = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                TotpSecretEncrypted = table.Column<byte[]>(type: "BLOB", maxLength: 256, nullable: true),
                TotpEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                FailedLoginCount = table.Column<int>(type: "INTEGER", nullable: false),
                LockoutUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastLoginAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                Disabled = table.Column<bool>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Users", x => x.Id);
                table.ForeignKey(
                    name: "FK_Users_AssessmentAgencies_AgencyId",
                    column: x => x.AgencyId,
                    principalTable: "AssessmentAgencies",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "FK_Users_Institutions_InstitutionId",
                    column: x => x.InstitutionId,
                    principalTable: "Institutions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "AgencyAssignments",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                AgencyId = table.Column<Guid>(type: "TEXT", nullable: false),
                SystemId = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                InstitutionRegion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                AssignedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AgencyAssignments", x => x.Id);
                table.ForeignKey(
                    name: "FK_AgencyAssignments_AssessmentAgencies_AgencyId",
                    column: x => x.AgencyId,
                    principalTable: "AssessmentAgencies",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_AgencyAssignments_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Assessments",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                SystemId = table.Column<Guid>(type: "TEXT", nullable: false),
                Level = table.Column<int>(type: "INTEGER", nullable: false),
                Extensions = table.Column<string>(type: "TEXT", nullable: false),
                Agency = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                AgencyId = table.Column<Guid>(type: "TEXT", nullable: true),
                AssessedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                ReportNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Template = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Conclusion = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                Score = table.Column<double>(type: "REAL", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Assessments", x => x.Id);
                table.ForeignKey(
                    name: "FK_Assessments_AssessmentAgencies_AgencyId",
                    column: x => x.AgencyId,
                    principalTable: "AssessmentAgencies",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "FK_Assessments_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Filings",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                SystemId = table.Column<Guid>(type: "TEXT", nullable: false),
                FiledOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                CertificateNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                PoliceOrgan = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                CertificateIssuedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                CertificateValidUntil = table.Column<DateOnly>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Filings", x => x.Id);
                table.ForeignKey(
                    name: "FK_Filings_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Gradings",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                SystemId = table.Column<Guid>(type: "TEXT", nullable: false),
                BusinessInformationLevel = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                SystemServiceLevel = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Level = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                MatrixEdition = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Reasons = table.Column<string>(type: "TEXT", nullable: false),
                GradedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                ExpertReviewed = table.Column<bool>(type: "INTEGER", nullable: false),
                ExpertReviewedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                SupervisorApproved = table.Column<bool>(type: "INTEGER", nullable: false),
                SupervisorApprovedOn = table.Column<DateOnly>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Gradings", x => x.Id);
                table.ForeignKey(
                    name: "FK_Gradings_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ItemResults",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                AssessmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                ItemCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Result = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                Evidence = table.Column<string>(type: "TEXT", nullable: true),
                Risk = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                HighRiskCases = table.Column<string>(type: "TEXT", nullable: false),
                MajorHazard = table.Column<bool>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ItemResults", x => x.Id);
                table.ForeignKey(
                    name: "FK_ItemResults_Assessments_AssessmentId",
                    column: x => x.AssessmentId,
                    principalTable: "Assessments",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Rectifications",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                SystemId = table.Column<Guid>(type: "TEXT", nullable: false),
                AssessmentId = table.Column<Guid>(type: "TEXT", nullable: true),
                ItemCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                FindingFingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                Risk = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                Owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                CreatedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                DueOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                FixEvidence = table.Column<string>(type: "TEXT", nullable: true),
                FixedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                RetestedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                RetestPassed = table.Column<bool>(type: "INTEGER", nullable: true),
                RetestNote = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Rectifications", x => x.Id);
                table.ForeignKey(
                    name: "FK_Rectifications_Assessments_AssessmentId",
                    column: x => x.AssessmentId,
                    principalTable: "Assessments",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "FK_Rectifications_ProtectedSystems_SystemId",
                    column: x => x.SystemId,
                    principalTable: "ProtectedSystems",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_AgencyAssignments_AgencyId_SystemId",
            table: "AgencyAssignments",
            columns: new[] { "AgencyId", "SystemId" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AgencyAssignments_InstitutionId",
            table: "AgencyAssignments",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_AgencyAssignments_InstitutionRegion",
            table: "AgencyAssignments",
            column: "InstitutionRegion");

        migrationBuilder.CreateIndex(
            name: "IX_AgencyAssignments_SystemId",
            table: "AgencyAssignments",
            column: "SystemId");

        migrationBuilder.CreateIndex(
            name: "IX_AssessmentAgencies_CreditCode",
            table: "AssessmentAgencies",
            column: "CreditCode",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AssessmentAgencies_Name",
            table: "AssessmentAgencies",
            column: "Name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Assessments_AgencyId",
            table: "Assessments",
            column: "AgencyId");

        migrationBuilder.CreateIndex(
            name: "IX_Assessments_SystemId_AssessedOn",
            table: "Assessments",
            columns: new[] { "SystemId", "AssessedOn" });

        migrationBuilder.CreateIndex(
            name: "IX_AuditEntries_EntityType_EntityId",
            table: "AuditEntries",
            columns: new[] { "EntityType", "EntityId" });

        migrationBuilder.CreateIndex(
            name: "IX_AuditEntries_Sequence",
            table: "AuditEntries",
            column: "Sequence",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AuditEntries_Timestamp",
            table: "AuditEntries",
            column: "Timestamp");

        migrationBuilder.CreateIndex(
            name: "IX_AuditEntries_UserId",
            table: "AuditEntries",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_Filings_CertificateNumber",
            table: "Filings",
            column: "CertificateNumber");

        migrationBuilder.CreateIndex(
            name: "IX_Filings_SystemId",
            table: "Filings",
            column: "SystemId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Gradings_Level",
            table: "Gradings",
            column: "Level");

        migrationBuilder.CreateIndex(
            name: "IX_Gradings_SystemId",
            table: "Gradings",
            column: "SystemId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_InstitutionContacts_InstitutionId",
            table: "InstitutionContacts",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_Institutions_CreditCode",
            table: "Institutions",
            column: "CreditCode",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Institutions_Name",
            table: "Institutions",
            column: "Name");

        migrationBuilder.CreateIndex(
            name: "IX_Institutions_Region",
            table: "Institutions",
            column: "Region");

        migrationBuilder.CreateIndex(
            name: "IX_Institutions_Tier",
            table: "Institutions",
            column: "Tier");

        migrationBuilder.CreateIndex(
            name: "IX_ItemResults_AssessmentId_ItemCode",
            table: "ItemResults",
            columns: new[] { "AssessmentId", "ItemCode" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_ItemResults_Result",
            table: "ItemResults",
            column: "Result");

        migrationBuilder.CreateIndex(
            name: "IX_ProtectedSystems_Business",
            table: "ProtectedSystems",
            column: "Business");

        migrationBuilder.CreateIndex(
            name: "IX_ProtectedSystems_InstitutionId_Name",
            table: "ProtectedSystems",
            columns: new[] { "InstitutionId", "Name" });

        migrationBuilder.CreateIndex(
            name: "IX_Rectifications_AssessmentId",
            table: "Rectifications",
            column: "AssessmentId");

        migrationBuilder.CreateIndex(
            name: "IX_Rectifications_DueOn",
            table: "Rectifications",
            column: "DueOn");

        migrationBuilder.CreateIndex(
            name: "IX_Rectifications_FindingFingerprint",
            table: "Rectifications",
            column: "FindingFingerprint");

        migrationBuilder.CreateIndex(
            name: "IX_Rectifications_SystemId_Status",
            table: "Rectifications",
            columns: new[] { "SystemId", "Status" });

        migrationBuilder.CreateIndex(
            name: "IX_Users_AgencyId",
            table: "Users",
            column: "AgencyId");

        migrationBuilder.CreateIndex(
            name: "IX_Users_InstitutionId",
            table: "Users",
            column: "InstitutionId");

        migrationBuilder.CreateIndex(
            name: "IX_Users_NormalizedUserName",
            table: "Users",
            column: "NormalizedUserName",
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "AgencyAssignments");

        migrationBuilder.DropTable(
            name: "AuditEntries");

        migrationBuilder.DropTable(
            name: "Filings");

        migrationBuilder.DropTable(
            name: "Gradings");

        migrationBuilder.DropTable(
            name: "InstitutionContacts");

        migrationBuilder.DropTable(
            name: "ItemResults");

        migrationBuilder.DropTable(
            name: "Rectifications");

        migrationBuilder.DropTable(
            name: "Users");

        migrationBuilder.DropTable(
            name: "Assessments");

        migrationBuilder.DropTable(
            name: "AssessmentAgencies");

        migrationBuilder.DropTable(
            name: "ProtectedSystems");

        migrationBuilder.DropTable(
            name: "Institutions");
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedGuard.Storage.Migrations.Sqlite;

/// <inheritdoc />
public partial class ContactPhoneCiphertext : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {

    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {

    }
}

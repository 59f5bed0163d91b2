using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MedGuard.Storage.Configurations;

/// <summary>Stores instants as UTC and reads them back marked UTC (SQLite keeps no kind; Npgsql wants UTC).</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));

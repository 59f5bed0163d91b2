using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MedGuard.Storage.Configurations;

/// <summary>
/// Stores a <see cref="DateTimeOffset"/> as the UTC instant (a DateTime column like every other instant here), so that
/// SQLite can compare and sort it — it cannot with its native DateTimeOffset text — and PostgreSQL keeps timestamptz.
/// </summary>
internal sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTime>(
    value => value.UtcDateTime,
    value => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)));

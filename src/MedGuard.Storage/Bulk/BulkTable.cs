using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MedGuard.Storage.Bulk;

/// <summary>
/// One entity type's table as raw ADO.NET sees it: column names, store types and a getter per column that applies the
/// model's value converters — read from the EF model, so a bulk insert writes exactly what EF would (enums as names,
/// instants as UTC, the institution survey's complex columns). For generated data only: no tenant guard, no audit.
/// </summary>
internal sealed class BulkTable
{
    private BulkTable(string table, IReadOnlyList<BulkColumn> columns)
    {
        Table = table;
        Columns = columns;
    }

    public string Table { get; }

    public IReadOnlyList<BulkColumn> Columns { get; }

    public static BulkTable For<T>(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} 不在模型中");
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = new List<BulkColumn>();
        foreach (var property in entity.GetProperties())
        {
            var info = property.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} 是影子属性，批量写入不支持");
            columns.Add(Column(property, store, o => info.GetValue(o)));
        }

        foreach (var complex in entity.GetComplexProperties())
        {
            var owner = complex.PropertyInfo!;
            foreach (var property in complex.ComplexType.GetProperties())
            {
                var info = property.PropertyInfo!;
                columns.Add(Column(property, store, o => owner.GetValue(o) is { } value ? info.GetValue(value) : null));
            }
        }

        return new BulkTable(entity.GetTableName()!, columns);
    }

    private static BulkColumn Column(IProperty property, StoreObjectIdentifier store, Func<object, object?> get)
    {
        ValueConverter? converter = property.GetValueConverter() ?? property.GetTypeMapping().Converter;
        var storeType = property.GetColumnType(store) ?? property.GetColumnType();
        var name = property.GetColumnName(store) ?? throw new InvalidOperationException($"{property.Name} 没有映射到 {store.Name}");
        return new BulkColumn(name, storeType, o =>
        {
            var value = get(o);
            return value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
        });
    }
}

internal sealed record BulkColumn(string Name, string StoreType, Func<object, object?> Get)
{
    /// <summary>The value as SQLite stores it through EF: GUIDs as upper-case text, booleans as 0/1, dates as ISO text.</summary>
    public object SqliteValue(object row) => Get(row) switch
    {
        null => DBNull.Value,
        Guid g => g.ToString().ToUpperInvariant(),
        bool b => b ? 1 : 0,
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        { } other => other,
    };

    /// <summary>The store type's name without its facets (<c>character varying(16)</c> → <c>character varying</c>), as COPY takes it.</summary>
    public string PostgresType => System.Text.RegularExpressions.Regex.Replace(StoreType, @"\([^)]*\)", "").Trim();
}

/// <summary>Writes rows with raw ADO.NET: PostgreSQL binary COPY, SQLite one prepared INSERT in a transaction.</summary>
internal static class BulkWriter
{
    public static async Task<long> WriteAsync<T>(DbContext db, IEnumerable<T> rows, CancellationToken ct = default)
        where T : class
    {
        var table = BulkTable.For<T>(db);
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
        }

        return connection is Npgsql.NpgsqlConnection pg ? await CopyAsync(pg, table, rows, ct) : await InsertAsync(connection, table, rows, ct);
    }

    private static async Task<long> CopyAsync<T>(Npgsql.NpgsqlConnection connection, BulkTable table, IEnumerable<T> rows, CancellationToken ct)
        where T : class
    {
        var columns = string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""));
        await using var importer = await connection.BeginBinaryImportAsync($"COPY \"{table.Table}\" ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        var types = table.Columns.Select(c => c.PostgresType).ToArray();
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var value = table.Columns[i].Get(row);
                if (value is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(value, types[i], ct);
                }
            }
        }

        return (long)await importer.CompleteAsync(ct);
    }

    private static async Task<long> InsertAsync<T>(DbConnection connection, BulkTable table, IEnumerable<T> rows, CancellationToken ct)
        where T : class
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table.Table}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"$p{i}"))})";
        var parameters = table.Columns.Select((_, i) =>
        {
            var p = command.CreateParameter();
            p.ParameterName = $"$p{i}";
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        await command.PrepareAsync(ct);
        long count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = table.Columns[i].SqliteValue(row);
            }

            await command.ExecuteNonQueryAsync(ct);
            count++;
        }

        await transaction.CommitAsync(ct);
        return count;
    }
}

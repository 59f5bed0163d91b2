namespace MedGuard.Storage.Providers;

public enum DatabaseProvider
{
    Sqlite = 1,
    Postgres = 2,
}

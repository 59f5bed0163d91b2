using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages;

/// <summary>A list page shown <see cref="PageSize"/> rows at a time (<c>?p=N</c>): page number, filtered total, the slice.</summary>
public abstract class PagedListPageModel : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public int Total { get; private set; }

    public bool HasPrevious => PageNumber > 1;

    public bool HasNext => PageNumber * PageSize < Total;

    /// <summary>Counts <paramref name="filtered"/> into <see cref="Total"/> and returns the requested page of it, ordered.</summary>
    protected async Task<IQueryable<T>> PageOfAsync<T>(IQueryable<T> filtered, Func<IQueryable<T>, IOrderedQueryable<T>> order)
    {
        PageNumber = Math.Max(1, PageNumber);
        Total = await filtered.CountAsync();
        return order(filtered).Skip((PageNumber - 1) * PageSize).Take(PageSize);
    }

    /// <summary>For a service that pages itself (counted and sliced there): the filtered total it found.</summary>
    protected void SetTotal(int total) => Total = total;

    /// <summary>The same for rows computed in memory (already filtered and ordered).</summary>
    protected IReadOnlyList<T> PageOf<T>(IReadOnlyList<T> filtered)
    {
        PageNumber = Math.Max(1, PageNumber);
        Total = filtered.Count;
        return filtered.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
    }
}

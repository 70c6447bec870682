namespace KernelSharp.Analyzers;

/// <summary>The few newer BCL methods the checkers use, for netstandard2.0 (analyzers load into any compiler's runtime).</summary>
internal static class Compatibility
{
    public static bool TryAdd<TKey, TValue>(this Dictionary<TKey, TValue> dictionary, TKey key, TValue value) where TKey : notnull
    {
        if (dictionary.ContainsKey(key))
            return false;
        dictionary.Add(key, value);
        return true;
    }

    public static bool TryDequeue<T>(this Queue<T> queue, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? item)
    {
        if (queue.Count == 0)
        {
            item = default;
            return false;
        }
        item = queue.Dequeue()!;
        return true;
    }

    public static T? MaxBy<T>(this IEnumerable<T> items, Func<T, int> key) where T : class
    {
        T? best = null;
        foreach (T item in items)
            if (best is null || key(item) > key(best))
                best = item;
        return best;
    }
}

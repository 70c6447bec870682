// ksharp test --mutations [NAME,...] [--kernel VERSION]
//
// Mutation check: applies each known-bad change in mutations.md to a scratch copy of the repository, one at a
// time, runs the tests that should catch it, and reports which were caught. A mutation counts as caught only when
// the test it names failed, for the reason it names; a change that does not build or a test run that runs nothing
// is an error in the list, never a catch. Exit status 0 when every mutation was caught.
using System.Diagnostics;
using KernelSharp.Mutations;

string? kernel = null;
var names = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--kernel" && i + 1 < args.Length)
        kernel = args[++i];
    else if (args[i].StartsWith('-'))
        return Usage($"unknown option {args[i]}");
    else
        names.AddRange(args[i].Split(',', StringSplitOptions.RemoveEmptyEntries));
}

string root = Repository.FindRoot(AppContext.BaseDirectory) ?? Repository.FindRoot(Environment.CurrentDirectory)
    ?? throw new InvalidOperationException("cannot find the KernelSharp checkout");
IReadOnlyList<Mutation> all = MutationList.Parse(File.ReadAllText(Path.Combine(root, "tests", "Mutations", "mutations.md")));
var unknown = names.Where(n => n != "ci" && n != "all" && all.All(m => m.Name != n)).ToList();
if (unknown.Count > 0)
    return Usage($"no such mutation: {string.Join(", ", unknown)} (known: {string.Join(", ", all.Select(m => m.Name))})");
var chosen = names.Count == 0 || names.Contains("all") ? all
    : all.Where(m => names.Contains(m.Name) || (names.Contains("ci") && m.Tags.Contains("ci"))).ToList();

var clock = Stopwatch.StartNew();
using var scratch = Repository.CopyToScratch(root);
Console.WriteLine($"mutations: {chosen.Count} of {all.Count} ({string.Join(", ", chosen.Select(m => m.Name))}), kernel {kernel ?? "default"}; building a scratch copy");
TestRun build = TestRunner.Build(scratch.Path);
if (!build.Succeeded)
{
    Console.WriteLine("mutations: the unmutated scratch copy does not build:\n" + build.Output);
    return 1;
}

var outcomes = new List<(Mutation Mutation, string Verdict, bool Caught, TimeSpan Took)>();
foreach (var (mutation, index) in chosen.Select((m, i) => (m, i + 1)))
{
    var started = Stopwatch.StartNew();
    Console.WriteLine($"mutations: [{index}/{chosen.Count}] {mutation.Name}: {mutation.What}");
    string path = Path.Combine(scratch.Path, mutation.File);
    string original = File.ReadAllText(path);
    string verdict;
    bool caught = false;
    try
    {
        File.WriteAllText(path, mutation.Apply(original));
        TestRun run = TestRunner.Run(scratch.Path, mutation.Tests, mutation.Kernel ?? kernel);
        (caught, verdict) = Judge(mutation, run);
    }
    catch (MutationException e)
    {
        verdict = "list error: " + e.Message;
    }
    finally
    {
        File.WriteAllText(path, original);
    }
    outcomes.Add((mutation, verdict, caught, started.Elapsed));
    Console.WriteLine($"mutations: [{index}/{chosen.Count}] {mutation.Name}: {(caught ? "caught" : "NOT CAUGHT")}: {verdict} ({started.Elapsed.TotalSeconds:0} s)");
}

Console.WriteLine();
Console.WriteLine("| mutation | what it breaks | caught by | result |");
Console.WriteLine("|---|---|---|---|");
foreach (var (mutation, verdict, caught, took) in outcomes)
    Console.WriteLine($"| {mutation.Name} | {mutation.What} | {mutation.CaughtBy} | {(caught ? "caught" : "**not caught**")}: {verdict} ({took.TotalSeconds:0} s) |");
int missed = outcomes.Count(o => !o.Caught);
Console.WriteLine();
Console.WriteLine($"mutations: {outcomes.Count - missed} passed, {missed} failed ({clock.Elapsed.TotalSeconds:0} s)");
return missed == 0 ? 0 : 1;

static (bool Caught, string Verdict) Judge(Mutation mutation, TestRun run)
{
    if (run.BuildFailed)
        return (false, "the mutated code does not build, so no test judged it");
    if (run.Total == 0)
        return (false, $"no test matched {mutation.Tests}");
    var failed = run.FailedTests.Where(t => t.Name.Contains(mutation.CaughtBy, StringComparison.Ordinal)).ToList();
    if (failed.Count == 0)
        return (false, run.Failed == 0
            ? $"all {run.Total} tests passed"
            : $"{run.Failed} of {run.Total} failed, but not {mutation.CaughtBy}: {string.Join(", ", run.FailedTests.Select(t => t.Name))}");
    if (mutation.Reason is { } reason && !failed.Any(t => t.Message.Contains(reason, StringComparison.Ordinal)))
        return (false, $"{mutation.CaughtBy} failed, but its message does not say \"{reason}\"");
    return (true, $"{run.Failed} of {run.Total} tests failed, {mutation.CaughtBy} among them" +
        (mutation.Reason is null ? "" : $" with \"{mutation.Reason}\""));
}

static int Usage(string message)
{
    Console.Error.WriteLine($"ksharp-mutations: {message}");
    Console.Error.WriteLine("usage: ksharp test --mutations [NAME,...|ci|all] [--kernel VERSION]");
    return 2;
}

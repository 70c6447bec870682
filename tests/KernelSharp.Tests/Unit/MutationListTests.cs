using KernelSharp.Mutations;

namespace KernelSharp.Tests.Unit;

// Every mutation must still apply: a refactoring that moves the code it changes would make
// `./ksharp test --mutations` fail long after the change that broke it.
public class MutationListTests
{
    private static string Root => Drivers.Toolchain.Value.RequireRepository("the tests");

    [Fact]
    public void Every_mutation_applies_to_the_current_sources_and_changes_them()
    {
        var mutations = MutationList.Parse(File.ReadAllText(Path.Combine(Root, "tests", "Mutations", "mutations.md")));
        Assert.True(mutations.Count >= 10, $"{mutations.Count} mutations");
        foreach (Mutation mutation in mutations)
        {
            string original = File.ReadAllText(Path.Combine(Root, mutation.File));
            Assert.NotEqual(original, mutation.Apply(original));
        }
    }
}

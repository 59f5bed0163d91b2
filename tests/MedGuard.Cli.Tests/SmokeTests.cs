namespace MedGuard.Cli.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Cli.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

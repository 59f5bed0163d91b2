namespace MedGuard.Server.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Server.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

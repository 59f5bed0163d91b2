namespace MedGuard.Storage.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Storage.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

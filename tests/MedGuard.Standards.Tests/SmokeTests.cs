namespace MedGuard.Standards.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Standards.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

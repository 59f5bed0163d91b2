namespace MedGuard.Detection.Ports.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Detection.Ports.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

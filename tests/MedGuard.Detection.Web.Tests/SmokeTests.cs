namespace MedGuard.Detection.Web.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Detection.Web.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

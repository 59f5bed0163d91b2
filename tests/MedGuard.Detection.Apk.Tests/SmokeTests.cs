namespace MedGuard.Detection.Apk.Tests;

public class AssemblyLoads
{
    [Fact]
    public void TestAssemblyIsTheOneUnderTest() => Assert.Equal("MedGuard.Detection.Apk.Tests", typeof(AssemblyLoads).Assembly.GetName().Name);
}

using MedGuard.Detection.Ports.PortSets;

namespace MedGuard.Detection.Ports.Tests;

public class PortSetTests
{
    [Fact]
    public void ListsRangesAndDuplicates()
    {
        var set = PortSet.Parse("443, 80,20-23,80,3389");
        Assert.Equal([443, 80, 20, 21, 22, 23, 3389], set.Ports);
    }

    [Fact]
    public void AllPorts()
    {
        Assert.Equal(65535, PortSet.Parse("-").Count);
        Assert.Equal(65535, PortSet.Parse("1-").Count);
        Assert.Equal(1024, PortSet.Parse("-1024").Count);
    }

    [Fact]
    public void TopPortsAreOrderedForHospitals()
    {
        var top = PortSet.Parse("top1000");
        Assert.Equal(1000, top.Count);
        Assert.Equal(1000, top.Ports.Distinct().Count());
        // PACS / HL7 and remote maintenance come before the generic web ports.
        Assert.True(top.Ports.ToList().IndexOf(104) < top.Ports.ToList().IndexOf(80));
        Assert.True(top.Ports.ToList().IndexOf(2575) < 20);
        Assert.True(top.Ports.ToList().IndexOf(3389) < 20);
        Assert.Equal(top.Ports.Take(10), PortSet.Parse("top10").Ports);
        Assert.Contains(11112, PortSet.Parse("top5").Ports);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("22-21")]
    [InlineData("ssh")]
    [InlineData("top0")]
    [InlineData("top1001")]
    [InlineData("")]
    [InlineData("1e3")]
    public void RejectsBadSpecs(string spec) => Assert.Throws<FormatException>(() => PortSet.Parse(spec));
}

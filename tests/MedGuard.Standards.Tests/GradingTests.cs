using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Grading;

namespace MedGuard.Standards.Tests;

public class GradingTests
{
    private static readonly Grader Grader = new();

    private static GradingResult Grade(string info, HarmDegree infoDegree, string service, HarmDegree serviceDegree, string? edition = null) =>
        Grader.Grade(new GradingRequest
        {
            InformationObject = info,
            InformationDegree = infoDegree,
            ServiceObject = service,
            ServiceDegree = serviceDegree,
            MatrixEdition = edition,
            GradedOn = new DateOnly(2026, 1, 1),
        });

    // Every cell of both matrices, written out independently of the data file (DOMAIN.md §2).
    public static TheoryData<string?, string, HarmDegree, int> Cells()
    {
        var data = new TheoryData<string?, string, HarmDegree, int>();
        int[][] m2020 = [[1, 2, 2], [2, 3, 4], [3, 4, 5]];
        int[][] m2025 = [[1, 2, 2], [2, 3, 4], [4, 5, 5]];
        string[] objects = ["citizen", "public", "national"];
        foreach (var (edition, matrix) in new[] { ((string?)null, m2020), ("2025", m2025) })
        {
            for (var o = 0; o < 3; o++)
            {
                for (var d = 0; d < 3; d++)
                {
                    data.Add(edition, objects[o], (HarmDegree)(d + 1), matrix[o][d]);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void EveryMatrixCell(string? edition, string harmed, HarmDegree degree, int expected)
    {
        var result = Grade(harmed, degree, "citizen", HarmDegree.General, edition);
        Assert.Equal(expected, result.InformationLevel);
        var service = Grade("citizen", HarmDegree.General, harmed, degree, edition);
        Assert.Equal(expected, service.ServiceLevel);
    }

    [Fact]
    public void TheObjectTakesTheHigherOfSAndA()
    {
        var result = Grade("public", HarmDegree.Serious, "citizen", HarmDegree.General);
        Assert.Equal((3, "S3A1", false), (result.Level, result.Notation, result.Raised));
        var flipped = Grade("citizen", HarmDegree.Serious, "national", HarmDegree.General);
        Assert.Equal((3, "S2A3"), (flipped.Level, flipped.Notation));
        Assert.Equal("GB/T 22240-2020", result.Edition);
    }

    [Theory]
    [InlineData("社会秩序、公共利益", "严重损害")]
    [InlineData("公共利益", "严重")]
    [InlineData("PUBLIC", "serious")]
    public void AcceptsChineseAndEnglishNames(string harmed, string degree)
    {
        var result = Grade(harmed, HarmDegrees.Parse(degree), "合法权益", HarmDegree.General);
        Assert.Equal("S3A1", result.Notation);
    }

    [Fact]
    public void The2025FormsShiftTheThirdObject()
    {
        Assert.Equal(3, Grade("national", HarmDegree.General, "citizen", HarmDegree.General).Level);
        Assert.Equal(4, Grade("国家安全或地区安全、国计民生", HarmDegree.General, "citizen", HarmDegree.General, "2025").Level);
    }

    [Fact]
    public void BigDataAndCriticalInfrastructureAreRaisedToThreeWithTheReason()
    {
        var bigData = Grader.Grade(new GradingRequest
        {
            InformationObject = "citizen",
            InformationDegree = HarmDegree.Serious,
            ServiceObject = "citizen",
            ServiceDegree = HarmDegree.General,
            ObjectType = GradingObjectType.BigData,
        });
        Assert.Equal((3, "S2A1", true), (bigData.Level, bigData.Notation, bigData.Raised));
        Assert.Contains(bigData.Reasons, r => r.Contains("大数据", StringComparison.Ordinal));

        var cii = Grader.Grade(new GradingRequest
        {
            InformationObject = "citizen",
            InformationDegree = HarmDegree.General,
            ServiceObject = "public",
            ServiceDegree = HarmDegree.General,
            IsCriticalInfrastructure = true,
        });
        Assert.Equal(3, cii.Level);
        Assert.Contains(cii.Reasons, r => r.Contains("关键信息基础设施", StringComparison.Ordinal));

        var alreadyFour = Grader.Grade(new GradingRequest
        {
            InformationObject = "public",
            InformationDegree = HarmDegree.Critical,
            ServiceObject = "citizen",
            ServiceDegree = HarmDegree.General,
            IsCriticalInfrastructure = true,
        });
        Assert.Equal((4, false), (alreadyFour.Level, alreadyFour.Raised));
    }

    [Fact]
    public void ASupportingPlatformIsNotBelowWhatItCarries()
    {
        var cloud = Grader.Grade(new GradingRequest
        {
            InformationObject = "citizen",
            InformationDegree = HarmDegree.Serious,
            ServiceObject = "citizen",
            ServiceDegree = HarmDegree.Serious,
            ObjectType = GradingObjectType.CloudPlatform,
            CarriedMaxLevel = 3,
        });
        Assert.Equal((3, "S2A2"), (cloud.Level, cloud.Notation));
        Assert.Contains(cloud.Reasons, r => r.Contains("支撑平台", StringComparison.Ordinal));

        Assert.Throws<GradingException>(() => Grader.Grade(new GradingRequest
        {
            InformationObject = "citizen",
            InformationDegree = HarmDegree.Serious,
            ServiceObject = "citizen",
            ServiceDegree = HarmDegree.Serious,
            CarriedMaxLevel = 3,
        }));
    }

    [Fact]
    public void ASingleDeviceIsNeverAGradingObject()
    {
        var ex = Assert.Throws<GradingException>(() => Grader.Grade(new GradingRequest
        {
            InformationObject = "public",
            InformationDegree = HarmDegree.Serious,
            ServiceObject = "citizen",
            ServiceDegree = HarmDegree.General,
            ObjectType = GradingObjectType.SingleDevice,
        }));
        Assert.Contains("单一设备", ex.Message);
    }

    [Fact]
    public void CoreSystemsOfTertiaryAHospitalsBelowThreeAreWarnedNotRaised()
    {
        GradingResult His(HospitalTier tier) => Grader.Grade(new GradingRequest
        {
            InformationObject = "citizen",
            InformationDegree = HarmDegree.Serious,
            ServiceObject = "public",
            ServiceDegree = HarmDegree.General,
            HospitalTier = tier,
            IsCoreBusinessSystem = true,
        });

        var tertiaryA = His(HospitalTier.TertiaryA);
        Assert.Equal(2, tertiaryA.Level);
        Assert.Contains(tertiaryA.Warnings, w => w.Contains("85号", StringComparison.Ordinal));
        Assert.DoesNotContain(His(HospitalTier.Secondary).Warnings, w => w.Contains("85号", StringComparison.Ordinal));
    }

    [Fact]
    public void NextStepsSayWhatEachLevelNeeds()
    {
        var level1 = Grade("citizen", HarmDegree.General, "citizen", HarmDegree.General);
        Assert.Equal(1, level1.Level);
        Assert.False(level1.NextSteps.Single(s => s.Name == "专家评审").Required);
        Assert.False(level1.NextSteps.Single(s => s.Name == "公安机关备案").Required);

        var level3 = Grade("public", HarmDegree.Serious, "citizen", HarmDegree.General);
        Assert.True(level3.NextSteps.Single(s => s.Name == "专家评审").Required);
        Assert.Equal(new DateOnly(2026, 1, 31), level3.NextSteps.Single(s => s.Name == "公安机关备案").DueOn);
        Assert.Equal(new DateOnly(2027, 1, 1), level3.NextSteps.Single(s => s.Name == "等级测评").DueOn);
        Assert.Contains("第五十九条", level3.NextSteps.Single(s => s.Name == "法律责任").Detail);
    }

    [Fact]
    public void UnknownNamesAreClearErrors()
    {
        Assert.Contains("受侵害客体", Assert.Throws<FormatException>(() => Grade("planet", HarmDegree.General, "citizen", HarmDegree.General)).Message);
        Assert.Throws<FormatException>(() => HarmDegrees.Parse("catastrophic"));
        Assert.Throws<FormatException>(() => Grade("citizen", HarmDegree.General, "citizen", HarmDegree.General, "1999"));
    }
}

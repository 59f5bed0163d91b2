using MedGuard.Standards.Obligations;

namespace MedGuard.Standards.Tests;

public class ObligationTests
{
    private static readonly ObligationPolicy Policy = ObligationPolicy.Default;

    private static Obligation Of(ObligationSchedule s, ObligationKind kind) => s.Items.Single(i => i.Kind == kind);

    [Fact]
    public void FilingIsDueThirtyDaysAfterGradingAndOverdueAfterIt()
    {
        var facts = new ObligationFacts { Level = 3, GradedOn = new DateOnly(2026, 3, 1) };
        var early = Policy.Evaluate(facts, new DateOnly(2026, 3, 20));
        Assert.Equal((ObligationStatus.Due, new DateOnly(2026, 3, 31)), (Of(early, ObligationKind.Filing).Status, Of(early, ObligationKind.Filing).DueOn!.Value));
        Assert.Null(early.Article59Exposure);

        var late = Policy.Evaluate(facts, new DateOnly(2026, 4, 1));
        Assert.Equal(ObligationStatus.Overdue, Of(late, ObligationKind.Filing).Status);
        Assert.Contains("1万元以上10万元以下", late.Article59Exposure);
        Assert.Contains("公安机关备案", late.Article59Exposure);
    }

    [Fact]
    public void Level1NeedsNoFilingNorAssessment()
    {
        var s = Policy.Evaluate(new ObligationFacts { Level = 1, GradedOn = new DateOnly(2020, 1, 1) }, new DateOnly(2026, 1, 1));
        Assert.All(s.Items, i => Assert.Equal(ObligationStatus.NotRequired, i.Status));
        Assert.Null(s.Article59Exposure);
    }

    [Fact]
    public void EachAssessmentWhileValidExtendsTheCertificateByAYear()
    {
        var facts = new ObligationFacts
        {
            Level = 3,
            GradedOn = new DateOnly(2025, 1, 1),
            FiledOn = new DateOnly(2025, 1, 20),
            AssessmentDates = [new DateOnly(2025, 10, 1), new DateOnly(2026, 9, 1)],
        };
        var s = Policy.Evaluate(facts, new DateOnly(2026, 11, 1));
        Assert.Equal(new DateOnly(2030, 1, 20), s.CertificateValidUntil);
        Assert.Equal(new DateOnly(2027, 9, 1), s.NextAssessmentDue);
        Assert.Equal(ObligationStatus.Done, Of(s, ObligationKind.Filing).Status);
    }

    [Fact]
    public void AnAssessmentAfterExpiryDoesNotRevive()
    {
        var facts = new ObligationFacts
        {
            Level = 2,
            FiledOn = new DateOnly(2020, 1, 1),
            AssessmentDates = [new DateOnly(2024, 6, 1)],
        };
        var s = Policy.Evaluate(facts, new DateOnly(2024, 7, 1));
        Assert.Equal(new DateOnly(2023, 1, 1), s.CertificateValidUntil);
        Assert.Equal(ObligationStatus.Overdue, Of(s, ObligationKind.CertificateValidity).Status);
    }

    [Theory]
    [InlineData(2, 24)]
    [InlineData(3, 12)]
    [InlineData(4, 6)]
    public void AssessmentFrequencyPerLevel(int level, int months)
    {
        var last = new DateOnly(2026, 1, 15);
        var s = Policy.Evaluate(new ObligationFacts { Level = level, FiledOn = new DateOnly(2025, 1, 1), AssessmentDates = [last] }, new DateOnly(2026, 2, 1));
        Assert.Equal(last.AddMonths(months), Of(s, ObligationKind.Assessment).DueOn);
    }

    [Fact]
    public void CriticalInfrastructureIsAssessedYearlyAndFinedUnderArticle59Paragraph2()
    {
        var facts = new ObligationFacts
        {
            Level = 3,
            IsCriticalInfrastructure = true,
            FiledOn = new DateOnly(2024, 1, 1),
            AssessmentDates = [new DateOnly(2024, 5, 1)],
        };
        var s = Policy.Evaluate(facts, new DateOnly(2025, 6, 1));
        Assert.Equal(ObligationStatus.Overdue, Of(s, ObligationKind.CriticalInfrastructureAssessment).Status);
        Assert.Contains("10万元以上100万元以下", s.Article59Exposure);
        Assert.Equal(new DateOnly(2025, 5, 1), s.NextAssessmentDue);
    }
}

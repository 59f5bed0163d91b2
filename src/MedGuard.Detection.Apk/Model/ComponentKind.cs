namespace MedGuard.Detection.Apk.Model;

/// <summary>The four Android component kinds (四大组件); an activity-alias counts as an activity.</summary>
public enum ComponentKind
{
    Activity,
    Service,
    Provider,
    Receiver,
}

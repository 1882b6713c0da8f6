using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Bookings;

namespace LabScheduler.Silo.Seeding;

/// <summary>The demo data set: joint labs in their real zones, instruments, teams and users.</summary>
public static class DemoData
{
    public static UserProfile Admin { get; } = new()
    {
        Id = "admin",
        DisplayName = "Science-park administrator",
        Email = "admin@labsched.example",
        TimeZone = "Asia/Almaty",
        MemberState = "KZ",
        Roles = [UserRoles.Admin],
    };

    public static IReadOnlyList<UserProfile> Users { get; } =
    [
        new() { Id = "alice", DisplayName = "Alisher Karimov", Email = "alisher@tnu.example", TimeZone = "Asia/Dushanbe", MemberState = "TJ" },
        new() { Id = "wei", DisplayName = "Li Wei", Email = "li.wei@xjtu.example", TimeZone = "Asia/Shanghai", MemberState = "CN" },
        new() { Id = "priya", DisplayName = "Priya Raman", Email = "priya@iisc.example", TimeZone = "Asia/Kolkata", MemberState = "IN" },
        new() { Id = "olga", DisplayName = "Olga Sokolova", Email = "olga@nsu.example", TimeZone = "Asia/Novosibirsk", MemberState = "RU" },
        new() { Id = "dana", DisplayName = "Dana Nurlanova", Email = "dana@kaznu.example", TimeZone = "Asia/Almaty", MemberState = "KZ" },
        new() { Id = "reza", DisplayName = "Reza Ahmadi", Email = "reza@ut.example", TimeZone = "Asia/Tehran", MemberState = "IR" },
        new() { Id = "ivan", DisplayName = "Ivan Kovalenko", Email = "ivan@bsu.example", TimeZone = "Europe/Minsk", MemberState = "BY" },
    ];

    public static IReadOnlyList<(LabProfile Lab, string Manager, InstrumentDefinition[] Instruments)> Labs { get; } =
    [
        (new() { Id = "xian-nmr", Name = "Xi'an Joint NMR Laboratory", HostInstitution = "Xi'an Jiaotong University", MemberState = "CN", TimeZone = "Asia/Shanghai", PartnerStates = ["TJ", "KZ", "KG"] },
            "wei",
            [Instrument("xian-nmr-600", "Bruker Avance NEO 600 MHz NMR", "nmr", "CNY", 400, 600, 900),
             Instrument("xian-ms-orbitrap", "Orbitrap Exploris 480 mass spectrometer", "mass-spec", "CNY", 300, 450, 700, new BookingRules { RequiresAuthorization = true })]),
        (new() { Id = "dushanbe-materials", Name = "Dushanbe Materials Science Joint Lab", HostInstitution = "Tajik National University", MemberState = "TJ", TimeZone = "Asia/Dushanbe", PartnerStates = ["CN", "RU", "UZ"] },
            "alice",
            [Instrument("dushanbe-xrd", "Powder X-ray diffractometer", "xrd", "TJS", 150, 220, 350)]),
        (new() { Id = "novosibirsk-cryoem", Name = "Novosibirsk Structural Biology Centre", HostInstitution = "Novosibirsk State University", MemberState = "RU", TimeZone = "Asia/Novosibirsk", PartnerStates = ["BY", "KZ", "IN"] },
            "olga",
            [Instrument("novosibirsk-krios", "Titan Krios G4 cryo-EM", "cryo-em", "RUB", 9000, 12000, 18000, new BookingRules { SlotMinutes = 60, MinMinutes = 120, MaxMinutes = 1440, RequiresApproval = true, BufferMinutes = 60 })]),
        (new() { Id = "almaty-cleanroom", Name = "Almaty Nanofabrication Clean Room", HostInstitution = "Al-Farabi Kazakh National University", MemberState = "KZ", TimeZone = "Asia/Almaty", PartnerStates = ["KG", "UZ", "CN"] },
            "dana",
            [Instrument("almaty-cleanroom-iso5", "ISO 5 clean room bay", "clean-room", "KZT", 12000, 18000, 30000, new BookingRules { Capacity = 4, SlotMinutes = 30 })]),
        (new() { Id = "delhi-nmr", Name = "Delhi Joint Spectroscopy Facility", HostInstitution = "Indian Institute of Technology Delhi", MemberState = "IN", TimeZone = "Asia/Kolkata", PartnerStates = ["PK", "IR"] },
            "priya",
            [Instrument("delhi-nmr-800", "Bruker 800 MHz NMR with cryoprobe", "nmr", "INR", 3000, 4500, 7000)]),
        (new() { Id = "tehran-ms", Name = "Tehran Proteomics Joint Lab", HostInstitution = "University of Tehran", MemberState = "IR", TimeZone = "Asia/Tehran", PartnerStates = ["IN", "PK", "TJ"] },
            "reza",
            [Instrument("tehran-ms-qtof", "Q-TOF mass spectrometer", "mass-spec", "IRR", 2000000, 3000000, 5000000)]),
        (new() { Id = "minsk-microscopy", Name = "Minsk Electron Microscopy Joint Lab", HostInstitution = "Belarusian State University", MemberState = "BY", TimeZone = "Europe/Minsk", PartnerStates = ["RU", "KZ"] },
            "ivan",
            [Instrument("minsk-sem", "Scanning electron microscope", "sem", "BYN", 80, 120, 200)]),
    ];

    public static IReadOnlyList<(TeamProfile Team, string[] Members)> Teams { get; } =
    [
        (new() { Id = "tnu-catalysis", Name = "Catalysis group", Institution = "Tajik National University", MemberState = "TJ" }, ["alice"]),
        (new() { Id = "xjtu-structural", Name = "Structural chemistry group", Institution = "Xi'an Jiaotong University", MemberState = "CN" }, ["wei"]),
        (new() { Id = "iisc-proteomics", Name = "Proteomics group", Institution = "Indian Institute of Science", MemberState = "IN" }, ["priya", "reza"]),
        (new() { Id = "nsu-biophysics", Name = "Biophysics group", Institution = "Novosibirsk State University", MemberState = "RU" }, ["olga", "ivan"]),
        (new() { Id = "kaznu-nano", Name = "Nanomaterials group", Institution = "Al-Farabi Kazakh National University", MemberState = "KZ" }, ["dana", "alice"]),
    ];

    private static InstrumentDefinition Instrument(string id, string name, string category, string currency, decimal @internal, decimal partner, decimal external, BookingRules? rules = null) => new()
    {
        Id = id,
        Name = name,
        Category = category,
        Currency = currency,
        Rates = new Rates(@internal, partner, external),
        Rules = rules ?? BookingRules.Default,
    };
}

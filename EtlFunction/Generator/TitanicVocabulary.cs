namespace EtlFunction.Generator;

/// <summary>
/// Names, titles, tickets and fares in the style of the Kaggle Titanic training file
/// (<c>Braund, Mr. Owen Harris</c>, <c>A/5 21171</c>, <c>71.2833</c>), so generated files exercise
/// the same quoting and number shapes as the dataset the original project was built on.
/// </summary>
public static class TitanicVocabulary
{
    public static readonly string[] Columns =
        ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"];

    /// <summary>Two entries are non-ASCII on purpose: the pipeline must carry UTF-8 names unchanged.</summary>
    public static readonly string[] Surnames =
    [
        "Braund", "Cumings", "Heikkinen", "Futrelle", "Allen", "Moran", "McCarthy", "Palsson", "Johnson", "Nasser",
        "Sandstrom", "Bonnell", "Saundercock", "Andersson", "Vestrom", "Hewlett", "Rice", "Williams", "Vander Planke",
        "Masselmani", "Fynney", "Beesley", "McGowan", "Sloper", "Asplund", "Emir", "Fortune", "O'Dwyer", "Todoroff",
        "Uruchurtu", "Spencer", "Glynn", "Wheadon", "Meyer", "Holverson", "Mamee", "Cann", "Nicola-Yarred", "Laroche",
        "Harris", "Goodwin", "Sage", "Skoog", "Kelly", "Carter", "Brown", "Smith", "Davies", "Jones", "Thomas", "Taylor",
        "Wilson", "Evans", "Roberts", "Ward", "Hansen", "Nilsson", "Olsen", "Karlsson", "Lefebre", "Svensson",
        "Goldsmith", "Becker", "Baclini", "O'Brien", "Murphy", "Connolly", "Ryan", "Lindqvist", "Abbott", "Hickman",
        "Harper", "Hocking", "Dean", "Coleff", "Kink", "Strom", "Backstrom", "Hakkarainen", "Ostby", "Graham", "Astor",
        "Widener", "Straus", "Thayer", "Ryerson", "Chaffee", "Hays", "Fleming", "Petersen", "Pears", "Lines", "Nye",
        "Müller", "Sæther",
    ];

    public static readonly string[] MaleFirstNames =
    [
        "Owen", "John", "William", "James", "Charles", "George", "Thomas", "Henry", "Edward", "Frederick", "Joseph",
        "Arthur", "Albert", "Harry", "Patrick", "Karl", "Johan", "Ernst", "Alfred", "Samuel", "Robert", "Walter",
        "Richard", "Hans", "Nils", "Anders", "Michael", "Leo", "Francis", "Daniel", "Jacques", "Timothy", "Lewis",
    ];

    public static readonly string[] FemaleFirstNames =
    [
        "Mary", "Elizabeth", "Anna", "Margaret", "Helen", "Florence", "Alice", "Ellen", "Bertha", "Emily", "Marion",
        "Edith", "Maria", "Kate", "Annie", "Elin", "Hilda", "Laina", "Lily", "Ada", "Agnes", "Amelia", "Catherine",
        "Nora", "Jane", "Adele", "Lucile", "Marguerite", "Eleanor", "Bridget",
    ];

    public static readonly string[] Nicknames = ["Nellie", "Jane", "Bertie", "Molly", "Dolly", "Jack", "Harry", "Bob", "Kitty", "Mamie"];

    public static readonly string[] RareMaleTitles = ["Dr", "Rev", "Col", "Major", "Capt", "Don", "Sir", "Jonkheer"];
    public static readonly string[] RareFemaleTitles = ["Mlle", "Mme", "Ms", "Lady", "the Countess", "Dr"];

    /// <summary>Ticket prefixes as they appear in the Kaggle file; an empty prefix means a bare number.</summary>
    public static readonly string[] TicketPrefixes =
        ["A/5", "PC", "STON/O2.", "CA", "C.A.", "SC/PARIS", "W./C.", "SOTON/O.Q.", "PP", "S.O.C.", "F.C.C."];

    /// <summary>Fares that recur in the Kaggle file, in ten-thousandths, per class (index 0 = first class).</summary>
    internal static readonly int[][] CommonFares =
    [
        [265_500, 520_000, 300_000, 800_000, 900_000, 2_113_375, 2_630_000, 5_123_292, 1_515_500, 2_275_250, 712_833, 531_000],
        [130_000, 260_000, 105_000, 210_000, 735_000, 115_000, 157_500, 367_500],
        [72_500, 77_500, 78_958, 79_250, 80_500, 86_625, 77_750, 72_292, 155_000, 144_542, 95_000, 695_500, 312_750, 396_875],
    ];

    /// <summary>Uniform fare range in ten-thousandths, per class.</summary>
    internal static readonly (int Min, int Max)[] FareRange = [(250_000, 2_630_000), (100_000, 735_000), (67_500, 400_000)];

    /// <summary>Infant ages as the Kaggle file writes them.</summary>
    public static readonly string[] InfantAges = ["0.42", "0.67", "0.75", "0.83", "0.92"];

    internal static readonly string[][] DecksByClass = [["A", "B", "C", "D", "E"], ["D", "E", "F"], ["E", "F", "G"]];
}

/// A `Double?` held in the 8 bytes of a `Double`, with nil stored as one reserved NaN bit
/// pattern. Why: a `Double?` takes 9 bytes, padded to 16 in a struct, and the per-unit
/// structs scoring holds for every unit (`WorkforceFigures`, 13 optional figures;
/// `IndicatorResult`, 7) were half padding: at 20,000 units their slots alone peaked at
/// 125 MB (docs/performance.md, "Issue 25, session 18").
///
/// Reading gives back exactly what was stored, every NaN, infinity and signed zero included,
/// except the reserved pattern itself, which reads as nil: a quiet NaN whose payload no
/// arithmetic makes (a NaN result carries an operand's payload or the default one) and no
/// input file gives (`DecimalNumber` refuses NaN). Equality is `Double?`'s: nil equals nil,
/// and NaN equals nothing. `ScoringFastPathTests.nilAsNaNIsTheOptionalItHolds` compares it
/// with `Double?`.
@propertyWrapper
public struct NilAsNaN: Sendable, Equatable {
    /// The bit pattern that means nil: a quiet NaN whose payload spells "nil".
    public static let nilPattern: UInt64 = 0x7FF8_006E_696C_0000

    private var bits: UInt64

    public init(wrappedValue: Double?) {
        bits = wrappedValue?.bitPattern ?? Self.nilPattern
    }

    public var wrappedValue: Double? {
        get { bits == Self.nilPattern ? nil : Double(bitPattern: bits) }
        set { bits = newValue?.bitPattern ?? Self.nilPattern }
    }

    public static func == (a: NilAsNaN, b: NilAsNaN) -> Bool { a.wrappedValue == b.wrappedValue }
}

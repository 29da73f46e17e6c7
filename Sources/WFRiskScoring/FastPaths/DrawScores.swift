import WFRiskCore

/// One rank-simulation draw's overall scores (`RankSimulation`, docs/methodology.md §13).
///
/// Why `flat` beside `plain` (the loop as first written, which `ScoringFastPathTests` compares
/// it with bit for bit): `plain` walks an array of `Term` arrays, one per unit, so every unit
/// costs a retain and release of its array and every term a bounds check and a 64-byte struct
/// copy, and each term multiplies its weight by the draw's factor again. On the 100x workload
/// (20,000 units × about ten terms × 500 draws) the draw loop was the largest part of the
/// uncertainty stage (`perf`, docs/performance.md). `flat` keeps the terms in one set of
/// contiguous columns with each unit's start, and each weight × factor once per draw (the same
/// product of the same two numbers); every other operation, the order of the sums and the
/// generator's use (four uniforms per term with noise, whether or not the term is left out)
/// are the plain loop's.
enum DrawScores {
    /// What every draw reads: each ranked unit's terms, the run's weights and the settings.
    struct Model: Sendable {
        var terms: [[RankSimulation.Term]]
        var weights: [Double]
        var clamp: Double
        var blend: (instability: Double, caseloadRisk: Double)
        var spread: Double
        var seed: UInt64
    }

    /// Draw `d`'s generator: each draw has its own, so the result is the same at any thread count.
    static func generator(_ m: Model, draw d: Int) -> SeededRandom {
        SeededRandom(seed: m.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(d) &* 0xD1B5_4A32_D192_ED03 &+ 1)
    }

    /// The plain loop: draw `d`'s overall score of every unit into `scores`.
    static func plain(_ m: Model, draw d: Int, into scores: inout [Double], factor: inout [Double]) {
        var rng = generator(m, draw: d)
        for j in factor.indices { factor[j] = 1 + m.spread * (2 * rng.unit() - 1) }
        let leftOut = d % (m.weights.count + 1)  // == weights.count: none left out
        let clamp = m.clamp, wI = m.blend.instability, wC = m.blend.caseloadRisk
        for u in 0..<m.terms.count {
            var sum = (0.0, 0.0), total = (0.0, 0.0)
            for t in m.terms[u] {
                let noise = t.sd > 0 ? t.sd * rng.approximateNormal() : 0
                guard t.slot != leftOut else { continue }
                let x = t.adjusted + noise
                var z = t.fixed ? x * clamp : (t.scale > 0 ? t.direction * (x - t.median) / t.scale : 0)
                z = min(clamp, max(-clamp, z))
                let wt = m.weights[t.slot] * factor[t.slot]
                if t.component == 0 { sum.0 += wt * z; total.0 += wt } else { sum.1 += wt * z; total.1 += wt }
            }
            let a = total.0 > 0 ? min(100, max(0, 50 + (50 / clamp) * sum.0 / total.0)) : 50
            let b = total.1 > 0 ? min(100, max(0, 50 + (50 / clamp) * sum.1 / total.1)) : 50
            scores[u] = (wI * a + wC * b) / (wI + wC)
        }
    }

    /// The terms as contiguous columns: unit `u`'s are `start[u]..<start[u + 1]`.
    struct Flat: Sendable {
        let start: [Int]
        let slot: [Int]
        let second: [Bool]
        let fixed: [Bool]
        let adjusted: [Double]
        let sd: [Double]
        let median: [Double]
        let scale: [Double]
        let direction: [Double]

        init(_ terms: [[RankSimulation.Term]]) {
            var start = [0], slot: [Int] = [], second: [Bool] = [], fixed: [Bool] = []
            var adjusted: [Double] = [], sd: [Double] = [], median: [Double] = [], scale: [Double] = [], direction: [Double] = []
            start.reserveCapacity(terms.count + 1)
            for list in terms {
                for t in list {
                    slot.append(t.slot); second.append(t.component != 0); fixed.append(t.fixed)
                    adjusted.append(t.adjusted); sd.append(t.sd); median.append(t.median); scale.append(t.scale); direction.append(t.direction)
                }
                start.append(slot.count)
            }
            (self.start, self.slot, self.second, self.fixed) = (start, slot, second, fixed)
            (self.adjusted, self.sd, self.median, self.scale, self.direction) = (adjusted, sd, median, scale, direction)
        }
    }

    /// The fast loop: the same scores as `plain`, read from `flat` (built from `m.terms`);
    /// `weighted` is scratch of the weights' count.
    static func flat(_ m: Model, _ flat: Flat, draw d: Int, into scores: inout [Double], factor: inout [Double], weighted: inout [Double]) {
        var rng = generator(m, draw: d)
        for j in factor.indices { factor[j] = 1 + m.spread * (2 * rng.unit() - 1) }
        for j in weighted.indices { weighted[j] = m.weights[j] * factor[j] }
        let leftOut = d % (m.weights.count + 1)
        let clamp = m.clamp, wI = m.blend.instability, wC = m.blend.caseloadRisk
        let units = flat.start.count - 1
        flat.start.withUnsafeBufferPointer { start in
        flat.slot.withUnsafeBufferPointer { slot in
        flat.second.withUnsafeBufferPointer { second in
        flat.fixed.withUnsafeBufferPointer { fixed in
        flat.adjusted.withUnsafeBufferPointer { adjusted in
        flat.sd.withUnsafeBufferPointer { sd in
        flat.median.withUnsafeBufferPointer { median in
        flat.scale.withUnsafeBufferPointer { scale in
        flat.direction.withUnsafeBufferPointer { direction in
        weighted.withUnsafeBufferPointer { weighted in
        scores.withUnsafeMutableBufferPointer { scores in
            for u in 0..<units {
                var sum = (0.0, 0.0), total = (0.0, 0.0)
                for k in start[u]..<start[u + 1] {
                    let noise = sd[k] > 0 ? sd[k] * rng.approximateNormal() : 0
                    let s = slot[k]
                    guard s != leftOut else { continue }
                    let x = adjusted[k] + noise
                    var z = fixed[k] ? x * clamp : (scale[k] > 0 ? direction[k] * (x - median[k]) / scale[k] : 0)
                    z = min(clamp, max(-clamp, z))
                    let wt = weighted[s]
                    if !second[k] { sum.0 += wt * z; total.0 += wt } else { sum.1 += wt * z; total.1 += wt }
                }
                let a = total.0 > 0 ? min(100, max(0, 50 + (50 / clamp) * sum.0 / total.0)) : 50
                let b = total.1 > 0 ? min(100, max(0, 50 + (50 / clamp) * sum.1 / total.1)) : 50
                scores[u] = (wI * a + wC * b) / (wI + wC)
            }
        }}}}}}}}}}}
    }
}

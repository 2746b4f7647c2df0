import Testing
@testable import QVTrainer

@Suite("Linear and matmul gradients")
struct LinearGradientTests {
    @Test func linearWithBias() {
        let x = Variable(shape: [2, 3, 5], value: GradientCheck.random(30, seed: 1), requiresGradient: true)
        let w = Variable(shape: [4, 5], value: GradientCheck.random(20, seed: 2), requiresGradient: true)
        let b = Variable(shape: [4], value: GradientCheck.random(4, seed: 3), requiresGradient: true)
        GradientCheck.check([x, w, b]) { t, v in t.linear(v[0], weight: v[1], bias: v[2]) }
    }

    @Test(arguments: [false, true]) func batchedMatmul(transposeB: Bool) {
        let a = Variable(shape: [3, 2, 4], value: GradientCheck.random(24, seed: 4), requiresGradient: true)
        let b = Variable(shape: transposeB ? [3, 5, 4] : [3, 4, 5], value: GradientCheck.random(60, seed: 5), requiresGradient: true)
        GradientCheck.check([a, b]) { t, v in t.batchedMatmul(v[0], v[1], transposeB: transposeB, alpha: 0.5) }
    }
}

import Testing
import QVTrainer

/// `--recipe` changes: each one changes what it names and nothing else; a bad one is refused
/// with a line that lists what is accepted.
@Suite struct RecipeTests {
    @Test func changesApplyInOrder() throws {
        var recipe = Recipe.defaults(bits: "w2a2")
        #expect(recipe.dropout == 0 && recipe.distillLogits == 1 && recipe.binReg > 0 && recipe.perChannelWeights)
        try recipe.apply("no-binreg, dropout=0.1")
        #expect(recipe.dropout == 0.1 && recipe.binReg == 0 && recipe.distillLogits == 1 && recipe.perChannelWeights)
        try recipe.apply("lsq,dropout=0")
        #expect(recipe.dropout == 0 && recipe.distillLogits == 0 && !recipe.perChannelWeights)
        #expect(Recipe.defaults(bits: "fp32").dropout == 0.1)
    }

    @Test(arguments: ["dropout=1", "dropout=-0.1", "dropout=", "dropout=lots", "dropouts", "fast"])
    func badChangesAreRefused(_ change: String) {
        var recipe = Recipe.defaults(bits: "w1a1")
        #expect(throws: TrainerError.self) { try recipe.apply(change) }
        #expect(recipe == Recipe.defaults(bits: "w1a1"))
        do { try recipe.apply(change) } catch {
            #expect(error.message.contains("dropout"), "\(error.message)")
        }
    }

    @Test func defaultRatesAndEpochsAreTheSweepsBest() {
        #expect(Recipe.defaultLearningRate(bits: "fp32", plain: false) == nil)
        #expect(Recipe.defaultLearningRate(bits: "w2a2", plain: false) == 4e-4)
        #expect(Recipe.defaultLearningRate(bits: "w1a1", plain: false) == 2e-4)
        #expect(Recipe.defaultLearningRate(bits: "w4a4", plain: false) == 1e-4)
        #expect(Recipe.defaultLearningRate(bits: "w2a2", plain: true) == 1e-4)
        #expect(Recipe.defaultEpochs(bits: "w2a2", plain: false) == 2 && Recipe.defaultEpochs(bits: "w1a1", plain: false) == 1)
        #expect(Recipe.defaultEpochs(bits: "w2a2", plain: true) == nil && Recipe.defaultEpochs(bits: "fp32", plain: false) == nil)
    }
}

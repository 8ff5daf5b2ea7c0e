/// Folds more than two channels down to stereo, using the WAVE channel order (L, R, C, LFE, surrounds…).
/// Centre and surrounds go in at -3 dB, LFE is dropped, and each side is normalised so the mix cannot clip.
struct Downmixer {
    let inputChannels: Int
    private let leftWeights: [Float]
    private let rightWeights: [Float]

    init(inputChannels: Int) {
        precondition(inputChannels > 2)
        self.inputChannels = inputChannels
        let minus3dB: Float = 0.7071
        // (left, right) weight of each input channel.
        var weights: [(Float, Float)]
        switch inputChannels {
        case 3: weights = [(1, 0), (0, 1), (minus3dB, minus3dB)]                                     // L R C
        case 4: weights = [(1, 0), (0, 1), (minus3dB, 0), (0, minus3dB)]                              // L R Ls Rs
        case 5: weights = [(1, 0), (0, 1), (minus3dB, minus3dB), (minus3dB, 0), (0, minus3dB)]        // L R C Ls Rs
        case 6: weights = [(1, 0), (0, 1), (minus3dB, minus3dB), (0, 0), (minus3dB, 0), (0, minus3dB)] // 5.1
        case 7: weights = [(1, 0), (0, 1), (minus3dB, minus3dB), (0, 0), (0.5, 0.5), (minus3dB, 0), (0, minus3dB)]
        case 8: weights = [(1, 0), (0, 1), (minus3dB, minus3dB), (0, 0),
                           (minus3dB, 0), (0, minus3dB), (minus3dB, 0), (0, minus3dB)]                // 7.1
        default: weights = (0..<inputChannels).map { $0 % 2 == 0 ? (1, 0) : (0, 1) }                 // alternate
        }
        let leftSum = weights.reduce(0) { $0 + $1.0 }
        let rightSum = weights.reduce(0) { $0 + $1.1 }
        leftWeights = weights.map { $0.0 / leftSum }
        rightWeights = weights.map { $0.1 / rightSum }
    }

    /// Mixes `frames` interleaved frames of `input` into interleaved stereo `output` (at least 2 * frames long).
    func mix(_ input: UnsafeBufferPointer<Float>, frames: Int, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(input.count >= frames * inputChannels && output.count >= frames * 2)
        for frame in 0..<frames {
            var left: Float = 0
            var right: Float = 0
            let base = frame * inputChannels
            for channel in 0..<inputChannels {
                let sample = input[base + channel]
                left += sample * leftWeights[channel]
                right += sample * rightWeights[channel]
            }
            output[frame * 2] = left
            output[frame * 2 + 1] = right
        }
    }
}

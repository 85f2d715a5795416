package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Forward values and gradients of the core ops against numbers printed by PyTorch 1.13 in float64
 * (the torch expression is in each comment). Generated once with a script kept outside the project;
 * the expected numbers are pasted, not computed here.
 */
class CoreOpsTorchValuesTest {

    @Test
    void exp() {
        // torch 1.13, float64: torch.exp(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("exp", Attrs.EMPTY, in, g,
                new double[] {0.0820849986238988, 0.6703200460356392, 1.0, 1.3498588075760032, 3.3201169227365472, 22.197951281441636}, new int[] {2, 3},
                new double[][] {{-0.0615637489679241, -0.1675800115089098, 0.25, 1.0123941056820023, 4.150146153420684, -16.648463461081228}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("exp", Attrs.EMPTY, in, g, v,
                new double[][] {{0.038477343104952565, -0.020947501438613726, 0.21875, -0.12654926321025028, 2.5938413458879275, 6.2431737979054605}});
    }

    @Test
    void log() {
        // torch 1.13, float64: torch.log(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.3, 1.0, 2.5, 7.0}, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("log", Attrs.EMPTY, in, g,
                new double[] {-1.2039728043259361, 0.0, 0.9162907318741551, 1.9459101490553132}, new int[] {4},
                new double[][] {{-2.5, -0.25, 0.1, 0.10714285714285714}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125}};
        TorchValues.assertSecondOrder("log", Attrs.EMPTY, in, g, v,
                new double[][] {{-5.208333333333334, 0.03125, -0.035, 0.001913265306122449}});
    }

    @Test
    void sqrt() {
        // torch 1.13, float64: torch.sqrt(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.3, 1.0, 2.5, 7.0}, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("sqrt", Attrs.EMPTY, in, g,
                new double[] {0.5477225575051661, 1.0, 1.5811388300841898, 2.6457513110645907}, new int[] {4},
                new double[][] {{-0.6846531968814576, -0.125, 0.07905694150420949, 0.1417366773784602}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125}};
        TorchValues.assertSecondOrder("sqrt", Attrs.EMPTY, in, g, v,
                new double[][] {{-0.713180413418185, 0.0078125, -0.013834964763236658, 0.001265506048021966}});
    }

    @Test
    void absHasGradientZeroAtZero() {
        // torch 1.13, float64: torch.abs(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.5, -0.3, 0.0, 0.7, 2.0}, 5)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25};
        TorchValues.assertForwardAndBackward("abs", Attrs.EMPTY, in, g,
                new double[] {1.5, 0.3, 0.0, 0.7, 2.0}, new int[] {5},
                new double[][] {{0.75, 0.25, 0.0, 0.75, 1.25}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625}};
        TorchValues.assertSecondOrder("abs", Attrs.EMPTY, in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void sin() {
        // torch 1.13, float64: torch.sin(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("sin", Attrs.EMPTY, in, g,
                new double[] {-0.5984721441039564, -0.3894183423086505, 0.0, 0.29552020666133955, 0.9320390859672263, 0.04158066243329049}, new int[] {2, 3},
                new double[][] {{0.6008577116602003, -0.23026524850072128, 0.25, 0.7165023668442045, 0.452947193095842, 0.7493513627049596}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("sin", Attrs.EMPTY, in, g, v,
                new double[][] {{0.2805338175487296, -0.012169323197145329, -0.0, 0.02770501937450058, -0.7281555359118955, -0.011694561309362951}});
    }

    @Test
    void cos() {
        // torch 1.13, float64: torch.cos(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("cos", Attrs.EMPTY, in, g,
                new double[] {-0.8011436155469337, 0.9210609940028851, 1.0, 0.955336489125606, 0.3623577544766736, -0.9991351502732795}, new int[] {2, 3},
                new double[][] {{-0.44885410807796733, -0.09735458557716263, -0.0, -0.22164015499600465, -1.1650488574590327, 0.03118549682496787}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("cos", Attrs.EMPTY, in, g, v,
                new double[][] {{0.37553606978762516, 0.02878315606259016, -0.21875, 0.08956279585552557, -0.2830919956849013, 0.28100676101435984}});
    }

    @Test
    void tanh() {
        // torch 1.13, float64: torch.tanh(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("tanh", Attrs.EMPTY, in, g,
                new double[] {-0.9866142981514303, -0.3799489622552249, 0.0, 0.2913126124515909, 0.8336546070121552, 0.9959493592219002}, new int[] {2, 3},
                new double[][] {{-0.019944170012370428, -0.21390969652029443, 0.25, 0.6863527213699718, 0.38127499525926134, -0.006063655399114798}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("tanh", Attrs.EMPTY, in, g, v,
                new double[][] {{0.024596504123709565, -0.02031869180230399, -0.0, 0.049985801081386345, -0.397314570420526, -0.004529320281968099}});
    }

    @Test
    void sigmoid() {
        // torch 1.13, float64: torch.sigmoid(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-40.0, -2.5, 0.0, 0.3, 4.0, 40.0}, 6)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("sigmoid", Attrs.EMPTY, in, g,
                new double[] {4.248354255291589e-18, 0.07585818002124355, 0.5, 0.574442516811659, 0.9820137900379085, 1.0}, new int[] {6},
                new double[][] {{-3.1862656914686917e-18, -0.017525929136277037, 0.0625, 0.1833437337680594, 0.022078382766613884, -0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("sigmoid", Attrs.EMPTY, in, g, v,
                new double[][] {{1.9914160571679324e-18, -0.0018583698701698144, 0.0, 0.003412142245835275, -0.013302606194054002, -0.0}});
    }

    @Test
    void erf() {
        // torch 1.13, float64: torch.erf(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-3.0, -0.7, 1e-300, 1e-09, 0.002, 0.5, 1.3, 2.5, 6.0}, 9)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("erf", Attrs.EMPTY, in, g,
                new double[] {-0.9999779095030014, -0.6778011938374184, 1.1283791670955126e-300, 1.1283791670955127e-09, 0.002256755325183524, 0.5204998778130465, 0.9340079449406524, 0.999593047982555, 1.0}, new int[] {9},
                new double[][] {{-0.00010443978896006089, -0.17281871510263466, 0.28209479177387814, 0.8462843753216345, 1.4104683169848389, -0.6590869342015836, -0.05205199669901741, 0.0005445710575881775, 1.9629759294369484e-16}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125}};
        TorchValues.assertSecondOrder("erf", Attrs.EMPTY, in, g, v,
                new double[][] {{0.00039164920860022834, -0.030243275142961063, -4.936658856042868e-301, 2.1157109383040864e-10, -0.003526170792462098, -0.24715760032559386, 0.05075069678154198, 0.0017017845549630543, -2.9444638941554227e-16}});
    }

    @Test
    void reluHasGradientZeroAtZero() {
        // torch 1.13, float64: torch.relu(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.5, -0.3, 0.0, 0.7, 2.0}, 5)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25};
        TorchValues.assertForwardAndBackward("relu", Attrs.EMPTY, in, g,
                new double[] {0.0, 0.0, 0.0, 0.7, 2.0}, new int[] {5},
                new double[][] {{0.0, 0.0, 0.0, 0.75, 1.25}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625}};
        TorchValues.assertSecondOrder("relu", Attrs.EMPTY, in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void leakyReluDefaultSlope() {
        // torch 1.13, float64: F.leaky_relu(x) (negative_slope=0.01); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.5, -0.3, 0.0, 0.7, 2.0}, 5)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25};
        TorchValues.assertForwardAndBackward("leaky_relu", Attrs.EMPTY, in, g,
                new double[] {-0.015, -0.003, 0.0, 0.7, 2.0}, new int[] {5},
                new double[][] {{-0.0075, -0.0025, 0.0025, 0.75, 1.25}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625}};
        TorchValues.assertSecondOrder("leaky_relu", Attrs.EMPTY, in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void leakyReluSlope() {
        // torch 1.13, float64: F.leaky_relu(x, negative_slope=0.2); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.5, -0.3, 0.0, 0.7, 2.0}, 5)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25};
        TorchValues.assertForwardAndBackward("leaky_relu", Attrs.of("negative_slope", 0.2), in, g,
                new double[] {-0.30000000000000004, -0.06, 0.0, 0.7, 2.0}, new int[] {5},
                new double[][] {{-0.15000000000000002, -0.05, 0.05, 0.75, 1.25}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625}};
        TorchValues.assertSecondOrder("leaky_relu", Attrs.of("negative_slope", 0.2), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void geluExact() {
        // torch 1.13, float64: F.gelu(x); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-4.0, -1.5, -0.3, 0.0, 0.7, 2.0, 5.0}, 7)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25};
        TorchValues.assertForwardAndBackward("gelu", Attrs.EMPTY, in, g,
                new double[] {-0.00012668496733247991, -0.10021080190328704, -0.1146265733433142, 0.0, 0.5306254434438489, 1.9544997361036416, 4.999998566742141}, new int[] {7},
                new double[][] {{0.00037773724591981615, 0.0318672980574949, 0.06691805829322253, 0.375, 1.2207676264170748, -0.8139238508086477, -0.2500017867365005}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375}};
        TorchValues.assertSecondOrder("gelu", Attrs.EMPTY, in, g, v,
                new double[][] {{-0.0008782608565820602, 0.00101185621613978, 0.15934859664710022, -0.07480167757526864, 0.3683620620186012, -0.030369918663668286, 3.2057389536458294e-06}});
    }

    @Test
    void geluTanh() {
        // torch 1.13, float64: F.gelu(x, approximate='tanh'); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-4.0, -1.5, -0.3, 0.0, 0.7, 2.0, 5.0}, 7)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25};
        TorchValues.assertForwardAndBackward("gelu", Attrs.of("approximate", "tanh"), in, g,
                new double[] {-7.024594819227126e-05, -0.10042842301976707, -0.11462907645724074, 0.0, 0.5305701347051167, 1.954597694087775, 4.999999770820381}, new int[] {7},
                new double[][] {{0.00025134239784164016, 0.03192769828785827, 0.06692613709029954, 0.375, 1.22044652332013, -0.8145744424677137, -0.250000386590497}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375}};
        TorchValues.assertSecondOrder("gelu", Attrs.of("approximate", "tanh"), in, g, v,
                new double[][] {{-0.0006909654673902126, 0.0009536936401320268, 0.15928247309491822, -0.07480167757526864, 0.3678616615973701, -0.030339866236240815, 9.313248960837864e-07}});
    }

    @Test
    void softplusDefault() {
        // torch 1.13, float64: F.softplus(x) (beta=1, threshold=20); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-30.0, -1.5, 0.0, 0.7, 19.0, 25.0}, 6)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("softplus", Attrs.EMPTY, in, g,
                new double[] {9.357622968839737e-14, 0.2014132779827524, 0.6931471805599453, 1.103186048885458, 19.000000005602796, 25.0}, new int[] {6},
                new double[][] {{-7.018217226629475e-14, -0.04560638095158908, 0.125, 0.5011408291261246, 1.2499999929965044, -0.75}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("softplus", Attrs.EMPTY, in, g, v,
                new double[][] {{4.386385766643011e-14, -0.004660826627197902, 0.0546875, -0.020785581871228972, 4.377184701265598e-09, 0.0}});
    }

    @Test
    void softplusBetaThreshold() {
        // torch 1.13, float64: F.softplus(x, beta=2, threshold=3): identity where 2x > 3; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.0, 0.2, 1.5, 1.6, 4.0}, 5)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25};
        TorchValues.assertForwardAndBackward("softplus", Attrs.of("beta", 2.0, "threshold", 3.0), in, g,
                new double[] {0.06346400552148625, 0.4565076261999763, 1.524293675786871, 1.6, 4.0}, new int[] {5},
                new double[][] {{-0.08940219151658817, -0.149671915028113, 0.2381435317056083, 0.75, 1.25}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625}};
        TorchValues.assertSecondOrder("softplus", Attrs.of("beta", 2.0, "threshold", 3.0), in, g, v,
                new double[][] {{0.09843148631578734, -0.015016296608845571, 0.0, -0.0, 0.0}});
    }

    @Test
    void clampPassesGradientOnTheBounds() {
        // torch 1.13, float64: torch.clamp(x, min=-0.5, max=0.7); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.0, -0.5, -0.1, 0.3, 0.7, 1.0}, 6)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("clamp", Attrs.of("min", -0.5, "max", 0.7), in, g,
                new double[] {-0.5, -0.5, -0.1, 0.3, 0.7, 0.7}, new int[] {6},
                new double[][] {{0.0, -0.25, 0.25, 0.75, 1.25, 0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("clamp", Attrs.of("min", -0.5, "max", 0.7), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void clampMinOnly() {
        // torch 1.13, float64: torch.clamp(x, min=0.3); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.0, -0.5, -0.1, 0.3, 0.7, 1.0}, 6)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("clamp", Attrs.of("min", 0.3), in, g,
                new double[] {0.3, 0.3, 0.3, 0.3, 0.7, 1.0}, new int[] {6},
                new double[][] {{0.0, 0.0, 0.0, 0.75, 1.25, -0.75}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("clamp", Attrs.of("min", 0.3), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void clampMaxOnly() {
        // torch 1.13, float64: torch.clamp(x, max=-0.1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.0, -0.5, -0.1, 0.3, 0.7, 1.0}, 6)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("clamp", Attrs.of("max", -0.1), in, g,
                new double[] {-2.0, -0.5, -0.1, -0.1, -0.1, -0.1}, new int[] {6},
                new double[][] {{-0.75, -0.25, 0.25, 0.0, 0.0, 0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("clamp", Attrs.of("max", -0.1), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void clampMinAboveMaxGivesMax() {
        // torch 1.13, float64: torch.clamp(x, min=1.0, max=0.0); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.0, -0.5, -0.1, 0.3, 0.7, 1.0}, 6)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("clamp", Attrs.of("min", 1.0, "max", 0.0), in, g,
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, new int[] {6},
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void unaryOnAScalar() {
        // torch 1.13, float64: torch.tanh(torch.tensor(0.4)); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.4})};
        double[] g = {-0.75};
        TorchValues.assertForwardAndBackward("tanh", Attrs.EMPTY, in, g,
                new double[] {0.3799489622552249}, new int[] {},
                new double[][] {{-0.6417290895608833}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625}};
        TorchValues.assertSecondOrder("tanh", Attrs.EMPTY, in, g, v,
                new double[][] {{-0.30478037703455985}});
    }

    @Test
    void transposeNegativeDims() {
        // torch 1.13, float64: x.transpose(-1, 0); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5}, 2, 3, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("transpose", Attrs.of("dim0", -1, "dim1", 0), in, g,
                new double[] {-3.0, 3.0, -1.0, 5.0, 1.0, 7.0, -2.5, 3.5, -0.5, 5.5, 1.5, 7.5, -2.0, 4.0, 0.0, 6.0, 2.0, 8.0, -1.5, 4.5, 0.5, 6.5, 2.5, 8.5}, new int[] {4, 3, 2},
                new double[][] {{-0.75, -0.25, 0.25, 0.75, 0.25, 0.75, 1.25, -0.75, 1.25, -0.75, -0.25, 0.25, -0.25, 0.25, 0.75, 1.25, 0.75, 1.25, -0.75, -0.25, -0.75, -0.25, 0.25, 0.75}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875}};
        TorchValues.assertSecondOrder("transpose", Attrs.of("dim0", -1, "dim1", 0), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void transposeOfAScalar() {
        // torch 1.13, float64: torch.tensor(2.5).transpose(0, -1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {2.5})};
        double[] g = {-0.75};
        TorchValues.assertForwardAndBackward("transpose", Attrs.of("dim0", 0, "dim1", -1), in, g,
                new double[] {2.5}, new int[] {},
                new double[][] {{-0.75}});
    }

    @Test
    void permute() {
        // torch 1.13, float64: x.permute(2, 0, -2); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5}, 2, 3, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("permute", Attrs.of("dims", new int[] {2, 0, -2}), in, g,
                new double[] {-3.0, -1.0, 1.0, 3.0, 5.0, 7.0, -2.5, -0.5, 1.5, 3.5, 5.5, 7.5, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0, -1.5, 0.5, 2.5, 4.5, 6.5, 8.5}, new int[] {4, 2, 3},
                new double[][] {{-0.75, -0.25, 0.25, 0.75, -0.25, 0.25, 0.75, 1.25, 0.25, 0.75, 1.25, -0.75, 0.75, 1.25, -0.75, -0.25, 1.25, -0.75, -0.25, 0.25, -0.75, -0.25, 0.25, 0.75}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875}};
        TorchValues.assertSecondOrder("permute", Attrs.of("dims", new int[] {2, 0, -2}), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void squeezeAll() {
        // torch 1.13, float64: x.squeeze() for x of shape [1, 3, 1]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, 2.0, 3.0}, 1, 3, 1)};
        double[] g = {-0.75, -0.25, 0.25};
        TorchValues.assertForwardAndBackward("squeeze", Attrs.EMPTY, in, g,
                new double[] {1.0, 2.0, 3.0}, new int[] {3},
                new double[][] {{-0.75, -0.25, 0.25}});
    }

    @Test
    void squeezeOne() {
        // torch 1.13, float64: x.squeeze(-1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, 2.0, 3.0}, 1, 3, 1)};
        double[] g = {-0.75, -0.25, 0.25};
        TorchValues.assertForwardAndBackward("squeeze", Attrs.of("dim", -1), in, g,
                new double[] {1.0, 2.0, 3.0}, new int[] {1, 3},
                new double[][] {{-0.75, -0.25, 0.25}});
    }

    @Test
    void squeezeLeavesANonOneDimAlone() {
        // torch 1.13, float64: x.squeeze(1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, 2.0, 3.0}, 1, 3, 1)};
        double[] g = {-0.75, -0.25, 0.25};
        TorchValues.assertForwardAndBackward("squeeze", Attrs.of("dim", 1), in, g,
                new double[] {1.0, 2.0, 3.0}, new int[] {1, 3, 1},
                new double[][] {{-0.75, -0.25, 0.25}});
    }

    @Test
    void unsqueezeNegative() {
        // torch 1.13, float64: x.unsqueeze(-1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("unsqueeze", Attrs.of("dim", -1), in, g,
                new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, new int[] {2, 3, 1},
                new double[][] {{-0.75, -0.25, 0.25, 0.75, 1.25, -0.75}});
    }

    @Test
    void unsqueezeScalar() {
        // torch 1.13, float64: torch.tensor(1.5).unsqueeze(0); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.5})};
        double[] g = {-0.75};
        TorchValues.assertForwardAndBackward("unsqueeze", Attrs.of("dim", 0), in, g,
                new double[] {1.5}, new int[] {1},
                new double[][] {{-0.75}});
    }

    @Test
    void catLastDim() {
        // torch 1.13, float64: torch.cat([a, b, c], dim=-1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3), Tensor.of(new double[] {7.0, 8.0}, 2, 1), Tensor.of(new double[] {9.0, 10.0, 11.0, 12.0}, 2, 2)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25};
        TorchValues.assertForwardAndBackward("cat", Attrs.of("dim", -1), in, g,
                new double[] {-2.5, -0.4, 0.0, 7.0, 9.0, 10.0, 0.3, 1.2, 3.1, 8.0, 11.0, 12.0}, new int[] {2, 6},
                new double[][] {{-0.75, -0.25, 0.25, -0.25, 0.25, 0.75}, {0.75, 1.25}, {1.25, -0.75, -0.75, -0.25}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}, {-0.375, 0.375}, {-0.125, 0.625, -0.375, 0.375}};
        TorchValues.assertSecondOrder("cat", Attrs.of("dim", -1), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void catDefaultDimSkipsEmpty1d() {
        // torch 1.13, float64: torch.cat([a, torch.zeros(0), b]) (legacy: a 1-D empty tensor is skipped); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3), Tensor.of(new double[] {}, 0), Tensor.of(new double[] {5.0, 6.0, 7.0}, 1, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("cat", Attrs.EMPTY, in, g,
                new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1, 5.0, 6.0, 7.0}, new int[] {3, 3},
                new double[][] {{-0.75, -0.25, 0.25, 0.75, 1.25, -0.75}, {}, {-0.25, 0.25, 0.75}});
    }

    @Test
    void narrowNegativeStart() {
        // torch 1.13, float64: x.narrow(1, -3, 2) for x of shape [2, 3, 4]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5}, 2, 3, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("narrow", Attrs.of("dim", 1, "start", -3, "length", 2), in, g,
                new double[] {-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5}, new int[] {2, 2, 4},
                new double[][] {{-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.0, 0.0, 0.0, 0.0, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, 0.0, 0.0, 0.0, 0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875}};
        TorchValues.assertSecondOrder("narrow", Attrs.of("dim", 1, "start", -3, "length", 2), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void narrowLastDim() {
        // torch 1.13, float64: x.narrow(-1, 1, 2); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5}, 2, 3, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25};
        TorchValues.assertForwardAndBackward("narrow", Attrs.of("dim", -1, "start", 1, "length", 2), in, g,
                new double[] {-2.5, -2.0, -0.5, 0.0, 1.5, 2.0, 3.5, 4.0, 5.5, 6.0, 7.5, 8.0}, new int[] {2, 3, 2},
                new double[][] {{0.0, -0.75, -0.25, 0.0, 0.0, 0.25, 0.75, 0.0, 0.0, 1.25, -0.75, 0.0, 0.0, -0.25, 0.25, 0.0, 0.0, 0.75, 1.25, 0.0, 0.0, -0.75, -0.25, 0.0}});
    }

    @Test
    void amaxSplitsTheGradientAmongTies() {
        // torch 1.13, float64: torch.amax(x, dim=1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, 3.0, 3.0, 2.0, 0.0, -1.0}, 2, 3)};
        double[] g = {-0.75, -0.25};
        TorchValues.assertForwardAndBackward("amax", Attrs.of("dim", 1), in, g,
                new double[] {3.0, 2.0}, new int[] {2},
                new double[][] {{-0.0, -0.375, -0.375, -0.25, -0.0, -0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}};
        TorchValues.assertSecondOrder("amax", Attrs.of("dim", 1), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void amaxAllDimsKeepdim() {
        // torch 1.13, float64: torch.amax(x, dim=(0, -1), keepdim=True) with a three-way tie; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, 5.0, 5.0, 2.0, 5.0, 0.0, 4.0, -1.0}, 2, 2, 2)};
        double[] g = {-0.75, -0.25};
        TorchValues.assertForwardAndBackward("amax", Attrs.of("dim", new int[] {0, -1}, "keepdim", true), in, g,
                new double[] {5.0, 5.0}, new int[] {1, 2, 1},
                new double[][] {{-0.0, -0.375, -0.25, -0.0, -0.375, -0.0, -0.0, -0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625}};
        TorchValues.assertSecondOrder("amax", Attrs.of("dim", new int[] {0, -1}, "keepdim", true), in, g, v,
                new double[][] {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}});
    }

    @Test
    void amaxNoDim() {
        // torch 1.13, float64: torch.amax(x) (every dimension); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-2.5, -0.4, 0.0, 0.3, 1.2, 3.1}, 2, 3)};
        double[] g = {-0.75};
        TorchValues.assertForwardAndBackward("amax", Attrs.EMPTY, in, g,
                new double[] {3.1}, new int[] {},
                new double[][] {{-0.0, -0.0, -0.0, -0.0, -0.0, -0.75}});
    }

    @Test
    void logsumexpIsStableForLargeValues() {
        // torch 1.13, float64: torch.logsumexp(x, dim=1); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, 2.0, 3.0, 1000.0, 1000.0, 0.0, -1000.0, -999.0, -1001.0}, 3, 3)};
        double[] g = {-0.75, -0.25, 0.25};
        TorchValues.assertForwardAndBackward("logsumexp", Attrs.of("dim", 1), in, g,
                new double[] {3.4076059644443806, 1000.6931471805599, -998.5923940355556}, new int[] {3},
                new double[][] {{-0.06752292987778533, -0.1835463532910982, -0.4989307168311162, -0.12500000000000688, -0.12500000000000688, -0.0, 0.06118211776369646, 0.16631023894369745, 0.02250764329259403}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125}};
        TorchValues.assertSecondOrder("logsumexp", Attrs.of("dim", 1), in, g, v,
                new double[][] {{0.0797721151555193, 0.0791833260766669, -0.15895544123218636, 0.0468750000000043, -0.04687500000000086, 0.0, 0.04207791577995905, -0.051930605099604656, 0.009852689319641842}});
    }

    @Test
    void logsumexpNegativeDimKeepdim() {
        // torch 1.13, float64: torch.logsumexp(x, dim=-2, keepdim=True); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5}, 2, 3, 4)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25};
        TorchValues.assertForwardAndBackward("logsumexp", Attrs.of("dim", -2, "keepdim", true), in, g,
                new double[] {1.1429316284998996, 1.6429316284998996, 2.1429316284998996, 2.6429316284998996, 7.142931628499899, 7.642931628499899, 8.1429316284999, 8.6429316284999}, new int[] {2, 1, 4},
                new double[][] {{-0.01190717998235007, -0.00396905999411669, 0.00396905999411669, 0.01190717998235007, -0.08798282086964876, -0.02932760695654959, 0.02932760695654959, 0.08798282086964876, -0.650109999148001, -0.2167033330493337, 0.2167033330493337, 0.650109999148001, 0.019845299970583465, -0.01190717998235008, -0.00396905999411669, 0.00396905999411669, 0.146638034782748, -0.08798282086964881, -0.029327606956549575, 0.029327606956549575, 1.083516665246669, -0.6501099991480014, -0.21670333304933362, 0.21670333304933362}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875}};
        TorchValues.assertSecondOrder("logsumexp", Attrs.of("dim", -2, "keepdim", true), in, g, v,
                new double[][] {{0.00948702224059699, 0.0023475195264047277, 0.003673240182180261, -0.007042558579214183, -0.039878386539487026, 0.032009756952214447, 0.012477974292701404, -0.09602927085664334, 0.030391364298890042, -0.03435727647861919, -0.016151214474881666, 0.10307182943585758, -0.01581170373432833, -0.011019720546540795, 0.0031623407468656627, -0.002347519526404727, 0.06646397756581171, -0.03743392287810425, -0.013292795513162337, -0.032009756952214426, -0.05065227383148352, 0.04845364342464492, 0.010130454766296652, 0.03435727647861925}});
    }

    @Test
    void logsumexpOfAScalar() {
        // torch 1.13, float64: torch.logsumexp(torch.tensor(0.7), dim=0); gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.7})};
        double[] g = {-0.75};
        TorchValues.assertForwardAndBackward("logsumexp", Attrs.of("dim", 0), in, g,
                new double[] {0.7}, new int[] {},
                new double[][] {{-0.75}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625}};
        TorchValues.assertSecondOrder("logsumexp", Attrs.of("dim", 0), in, g, v,
                new double[][] {{0.0}});
    }

    @Test
    void matmulDot() {
        // torch 1.13, float64: torch.matmul(a, b), both 1-D: a 0-d result; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, -2.0, 0.5}, 3), Tensor.of(new double[] {0.3, 0.4, -2.0}, 3)};
        double[] g = {-0.75};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {-1.5}, new int[] {},
                new double[][] {{-0.22499999999999998, -0.30000000000000004, 1.5}, {-0.75, 1.5, -0.375}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875}, {-0.375, 0.375, -0.625}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{0.28125, -0.28125, 0.46875}, {0.46875, -0.09375, -0.65625}});
    }

    @Test
    void matmulMatrices() {
        // torch 1.13, float64: torch.matmul(a, b), [2, 3] x [3, 2]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, 2, 3), Tensor.of(new double[] {1.0, 2.0, -0.5, 0.3, 0.7, -1.2}, 3, 2)};
        double[] g = {-0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {2.4, -1.7, 0.8500000000000001, 3.975}, new int[] {2, 2},
                new double[][] {{-1.25, 0.3, -0.22499999999999992, 1.75, 0.09999999999999999, -0.725}, {0.0, 1.0, 0.8125, 0.4375, -1.6875, -1.0625}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}, {-0.375, 0.375, -0.625, 0.125, 0.875, -0.125}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{0.1875, 0.4375, -0.625, 0.1875, -0.0625, 0.125}, {0.4375, 0.0625, 0.0625, 0.4375, -0.75, -0.5}});
    }

    @Test
    void matmulVectorMatrix() {
        // torch 1.13, float64: torch.matmul(a, b), [3] x [3, 2]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, -2.0, 0.5}, 3), Tensor.of(new double[] {1.0, 2.0, -0.5, 0.3, 0.7, -1.2}, 3, 2)};
        double[] g = {-0.75, -0.25};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {2.35, 0.7999999999999999}, new int[] {2},
                new double[][] {{-1.25, 0.3, -0.22499999999999992}, {-0.75, -0.25, 1.5, 0.5, -0.375, -0.125}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875}, {-0.375, 0.375, -0.625, 0.125, 0.875, -0.125}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{0.1875, 0.4375, -0.625}, {0.46875, 0.15625, -0.09375, -0.03125, -0.65625, -0.21875}});
    }

    @Test
    void matmulMatrixVector() {
        // torch 1.13, float64: torch.matmul(a, b), [2, 3] x [3]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, 2, 3), Tensor.of(new double[] {1.0, -2.0, 0.5}, 3)};
        double[] g = {-0.75, -0.25};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {3.5, 0.625}, new int[] {2},
                new double[][] {{-0.75, 1.5, -0.375, -0.25, 0.5, -0.125}, {-0.75, 0.6875, -1.3125}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}, {-0.375, 0.375, -0.625}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{0.28125, -0.28125, 0.46875, 0.09375, -0.09375, 0.15625}, {0.5, -0.25, -0.5625}});
    }

    @Test
    void matmulBroadcastsBatchDims() {
        // torch 1.13, float64: torch.matmul(a, b), [2, 1, 2, 3] x [3, 3, 2] -> [2, 3, 2, 2]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.0, -0.8181818181818181, -0.6363636363636364, -0.4545454545454546, -0.2727272727272727, -0.09090909090909088, 0.09090909090909094, 0.2727272727272727, 0.45454545454545453, 0.6363636363636364, 0.8181818181818181, 1.0}, 2, 1, 2, 3), Tensor.of(new double[] {-2.0, -1.7941176470588236, -1.5882352941176472, -1.3823529411764706, -1.1764705882352942, -0.9705882352941178, -0.7647058823529412, -0.5588235294117647, -0.3529411764705883, -0.14705882352941185, 0.05882352941176461, 0.2647058823529411, 0.4705882352941177, 0.6764705882352942, 0.8823529411764706, 1.0882352941176472, 1.2941176470588236, 1.5}, 3, 3, 2)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {4.04812834224599, 3.5427807486631013, 1.4491978609625669, 1.2807486631016043, 1.0160427807486634, 0.5106951871657754, 0.43850267379679153, 0.27005347593582896, -2.016042780748663, -2.521390374331551, -0.572192513368984, -0.7406417112299466, -1.1497326203208558, -0.9812834224598932, -3.7486631016042784, -3.2433155080213902, -0.13903743315508033, 0.02941176470588229, -0.716577540106952, -0.21122994652406424, 0.8716577540106951, 1.0401069518716577, 2.3155080213903743, 2.820855614973262}, new int[] {2, 3, 2, 2},
                new double[][] {{2.610294117647059, 3.2279411764705883, 3.8455882352941178, -2.3161764705882355, -2.316176470588235, -2.3161764705882355, -2.3161764705882355, -2.316176470588235, -2.3161764705882355, -1.801470588235294, -0.3602941176470591, 1.0808823529411762}, {1.4545454545454546, -0.5, 1.6363636363636362, -0.409090909090909, 1.8181818181818181, -0.3181818181818182, -0.6818181818181817, 1.4545454545454546, -0.40909090909090917, 1.6363636363636362, -0.13636363636363635, 1.8181818181818181, -0.3181818181818182, -0.6818181818181817, -0.409090909090909, -0.40909090909090917, -0.5, -0.13636363636363635}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625}, {-0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{1.9375, 1.5625, -1.4375, -0.125, -0.125, 0.75, -0.125, -0.125, 0.75, -0.3125, -1.1875, 2.3125}, {1.625, -0.3125, -0.25, 0.0625, 0.0625, -0.875, -0.1875, 1.625, 0.0625, -0.25, 1.625, 0.0625, -0.4375, -0.1875, 0.0625, 0.0625, 1.0, 1.625}});
    }

    @Test
    void matmulBatchedWithVector() {
        // torch 1.13, float64: torch.matmul(a, b), [2, 2, 3] x [3]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.0, -0.8181818181818181, -0.6363636363636364, -0.4545454545454546, -0.2727272727272727, -0.09090909090909088, 0.09090909090909094, 0.2727272727272727, 0.45454545454545453, 0.6363636363636364, 0.8181818181818181, 1.0}, 2, 2, 3), Tensor.of(new double[] {1.0, -2.0, 0.5}, 3)};
        double[] g = {-0.75, -0.25, 0.25, 0.75};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {0.31818181818181807, 0.045454545454545386, -0.2272727272727272, -0.4999999999999999}, new int[] {2, 2},
                new double[][] {{-0.75, 1.5, -0.375, -0.25, 0.5, -0.125, 0.25, -0.5, 0.125, 0.75, -1.5, 0.375}, {1.3636363636363638, 1.3636363636363633, 1.3636363636363638}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625}, {-0.375, 0.375, -0.625}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{0.28125, -0.28125, 0.46875, 0.09375, -0.09375, 0.15625, -0.09375, 0.09375, -0.15625, -0.28125, 0.28125, -0.46875}, {1.25, -0.5, -0.0625}});
    }

    @Test
    void matmulVectorWithBatched() {
        // torch 1.13, float64: torch.matmul(a, b), [3] x [3, 3, 2]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, -2.0, 0.5}, 3), Tensor.of(new double[] {-2.0, -1.7941176470588236, -1.5882352941176472, -1.3823529411764706, -1.1764705882352942, -0.9705882352941178, -0.7647058823529412, -0.5588235294117647, -0.3529411764705883, -0.14705882352941185, 0.05882352941176461, 0.2647058823529411, 0.4705882352941177, 0.6764705882352942, 0.8823529411764706, 1.0882352941176472, 1.2941176470588236, 1.5}, 3, 3, 2)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75};
        TorchValues.assertForwardAndBackward("matmul", Attrs.EMPTY, in, g,
                new double[] {0.5882352941176473, 0.48529411764705865, -0.029411764705882304, -0.13235294117647045, -0.6470588235294116, -0.7500000000000002}, new int[] {3, 2},
                new double[][] {{1.4191176470588236, 1.625, 1.8308823529411766}, {-0.75, -0.25, 1.5, 0.5, -0.375, -0.125, 0.25, 0.75, -0.5, -1.5, 0.125, 0.375, 1.25, -0.75, -2.5, 1.5, 0.625, -0.375}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875}, {-0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125}};
        TorchValues.assertSecondOrder("matmul", Attrs.EMPTY, in, g, v,
                new double[][] {{-0.5625, -0.6875, -0.8125}, {0.46875, 0.15625, -0.09375, -0.03125, -0.65625, -0.21875, -0.15625, -0.46875, 0.03125, 0.09375, 0.21875, 0.65625, -0.78125, 0.46875, 0.15625, -0.09375, 1.09375, -0.65625}});
    }

    @Test
    void linearWithBias() {
        // torch 1.13, float64: F.linear(x, w, b), x [2, 2, 3], w [2, 3], b [2]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {-1.0, -0.8181818181818181, -0.6363636363636364, -0.4545454545454546, -0.2727272727272727, -0.09090909090909088, 0.09090909090909094, 0.2727272727272727, 0.45454545454545453, 0.6363636363636364, 0.8181818181818181, 1.0}, 2, 2, 3), Tensor.of(new double[] {0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, 2, 3), Tensor.of(new double[] {0.1, -0.2}, 2)};
        double[] g = {-0.75, -0.25, 0.25, 0.75, 1.25, -0.75, -0.25, 0.25};
        TorchValues.assertForwardAndBackward("linear", Attrs.EMPTY, in, g,
                new double[] {-0.8545454545454546, -1.4272727272727272, -0.03636363636363635, -0.8818181818181818, 0.7818181818181819, -0.3363636363636363, 1.6, 0.20909090909090916}, new int[] {2, 2, 2},
                new double[][] {{-0.75, 0.6875, -1.3125, 1.25, -0.0625, -0.0625, -0.5, -1.4375, 3.0625, 0.25, 0.3125, -0.6875}, {0.5909090909090909, 0.6818181818181817, 0.7727272727272727, -5.551115123125783e-17, 0.0, 2.7755575615628914e-17}, {0.5, 0.0}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375, 0.375, -0.625, 0.125, 0.875, -0.125, 0.625}, {-0.375, 0.375, -0.625, 0.125, 0.875, -0.125}, {-0.125, 0.625}};
        TorchValues.assertSecondOrder("linear", Attrs.EMPTY, in, g, v,
                new double[][] {{0.25, -0.5, 0.5, 0.0, 0.75, -0.25, -0.5625, -0.1875, -0.6875, 0.125, 0.125, 0.125}, {0.6875, -0.6875, -0.75, 0.0, 0.875, -0.4375}, {0.0, 0.0}});
    }

    @Test
    void linearWithoutBias() {
        // torch 1.13, float64: F.linear(x, w), x [3], w [2, 3]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {1.0, -2.0, 0.5}, 3), Tensor.of(new double[] {0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, 2, 3)};
        double[] g = {-0.75, -0.25};
        TorchValues.assertForwardAndBackward("linear", Attrs.EMPTY, in, g,
                new double[] {3.5, 0.625}, new int[] {2},
                new double[][] {{-0.75, 0.6875, -1.3125}, {-0.75, 1.5, -0.375, -0.25, 0.5, -0.125}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875}, {-0.375, 0.375, -0.625, 0.125, 0.875, -0.125}};
        TorchValues.assertSecondOrder("linear", Attrs.EMPTY, in, g, v,
                new double[][] {{0.25, -0.5, 0.5}, {0.46875, -0.09375, -0.65625, 0.15625, -0.03125, -0.21875}});
    }

    @Test
    void linearVectorWeight() {
        // torch 1.13, float64: F.linear(x, w), x [2, 3], w [3]; gradients for gradOutput g
        Tensor[] in = {Tensor.of(new double[] {0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, 2, 3), Tensor.of(new double[] {1.0, -2.0, 0.5}, 3)};
        double[] g = {-0.75, -0.25};
        TorchValues.assertForwardAndBackward("linear", Attrs.EMPTY, in, g,
                new double[] {3.5, 0.625}, new int[] {2},
                new double[][] {{-0.75, 1.5, -0.375, -0.25, 0.5, -0.125}, {-0.75, 0.6875, -1.3125}});
        // second order: the gradient of sum(v_i * grad_i) (torch.autograd.grad with create_graph=True)
        double[][] v = {{-0.625, 0.125, 0.875, -0.125, 0.625, -0.375}, {-0.375, 0.375, -0.625}};
        TorchValues.assertSecondOrder("linear", Attrs.EMPTY, in, g, v,
                new double[][] {{0.28125, -0.28125, 0.46875, 0.09375, -0.09375, 0.15625}, {0.5, -0.25, -0.5625}});
    }
}

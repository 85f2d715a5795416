package dev.gradcheck.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** A row-major offset's multi-dimensional index, the one every message names an entry by. */
class ShapeUnravelTest {
    @Test
    void unravelInvertsTheRowMajorOffset() {
        Shape s = Shape.of(2, 3, 4);
        int[] strides = s.strides();
        for (int flat = 0; flat < s.size(); flat++) {
            int[] idx = s.unravel(flat);
            assertArrayEquals(new int[] {flat / 12, flat / 4 % 3, flat % 4}, idx, "offset " + flat);
            assertArrayEquals(new int[] {flat}, new int[] {idx[0] * strides[0] + idx[1] * strides[1] + idx[2]});
        }
        assertArrayEquals(new int[0], Shape.of().unravel(0), "a scalar has the empty index");
    }
}

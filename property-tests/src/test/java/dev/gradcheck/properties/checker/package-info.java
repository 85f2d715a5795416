/**
 * Properties of the checker itself (issue #6), in {@link dev.gradcheck.properties.checker.CheckerPropertiesTest}:
 * the planted bugs of the checker issue are always caught (and named as the checker's diagnoser
 * promises), correct ops never fail (relu, abs and maximum at and near their kinks included), and
 * FAST and FULL modes agree. QuickTheories properties with the module's fixed seed and bounded
 * examples ({@code dev.gradcheck.properties.PropsConfig}), draws from
 * {@code dev.gradcheck.generators.QuickTheoriesGens#fromRandom}.
 */
package dev.gradcheck.properties.checker;

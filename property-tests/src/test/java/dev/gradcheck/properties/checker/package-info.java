/**
 * Properties of the checker itself (issue #6), to be added once the checker lands on main: the
 * planted bugs of the checker issue are always caught, correct ops never fail (near kinks too), and
 * FAST and FULL modes agree. Put them here as QuickTheories properties with fixed seeds from
 * {@code dev.gradcheck.properties.PropsConfig} (make it public if needed), drawing ops and samples
 * with {@code dev.gradcheck.generators.QuickTheoriesGens}, one {@code DynamicTest} per op as
 * {@code OpPropertiesTest} does.
 */
package dev.gradcheck.properties.checker;

package dev.sparklm.preprocess.filter;

import dev.sparklm.preprocess.PreprocessConfig;
import java.util.Map;
import java.util.Optional;

/** The filters with the documented defaults of conf/preprocess.conf. */
final class FilterTestSupport {
    static final PreprocessConfig.Filters DEFAULTS = PreprocessConfig.load(Optional.empty(), Map.of()).filters();

    /** A plain English paragraph that passes every default rule. */
    static final String GOOD = """
            The history of the city begins with a small settlement on the river. Over the centuries it grew \
            into a centre of trade, and merchants from many countries came to sell their goods in its markets.

            Today the old town is a place that visitors like to explore on foot. The narrow streets lead to \
            squares with cafes, and the museum holds a collection of paintings that have been restored with care.

            Local people say that the best time to visit is in the spring, when the parks are green and the \
            weather is mild. Many of them have lived there all their lives and know every corner of it.""";

    private FilterTestSupport() {}
}

package io.scriptorium.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Tier {@code spark}: a local Spark session (one per test JVM) or a child JVM running one. The timeout on each test
 * guards against a hang; it is no speed assertion (the slowest test takes about 7 minutes on two busy cores).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("spark")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
public @interface SparkTest {}

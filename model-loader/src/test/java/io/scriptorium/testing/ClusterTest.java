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
 * Tier {@code cluster}: a standalone Spark cluster of separate JVMs running the spark-submit jar (failsafe's
 * {@code *IT} classes, after {@code package}). The timeout guards against a hang, not a speed assertion.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("cluster")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
public @interface ClusterTest {}

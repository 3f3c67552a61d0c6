package io.scriptorium.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tag {@code data}, beside a tier: reads the real documents of {@code ../shared/data}. Where they are absent the class
 * or method is skipped with the reason ({@link SharedDataCondition}; {@link SharedData#dir()} assumes the same).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("data")
@ExtendWith(SharedDataCondition.class)
public @interface DataTest {}

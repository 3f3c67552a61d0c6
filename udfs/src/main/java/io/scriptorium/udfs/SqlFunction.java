package io.scriptorium.udfs;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.classic.UserDefinedFunctionUtils;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * One SQL function: its name, its documentation as {@code DESCRIBE FUNCTION} shows it, and one Java UDF per accepted
 * argument count. The builder picks the UDF by argument count and names the expression after the function, so
 * result columns read {@code ocr_box_area(...)}.
 *
 * @param name the SQL name
 * @param usage {@code _FUNC_(args) - what it returns}, as in Spark's own functions
 * @param arguments the argument list for {@code DESCRIBE FUNCTION EXTENDED}
 * @param examples one or more {@code > SELECT ...;} lines with their results
 * @param overloads argument count to a supplier of the UDF (called when a query uses the function)
 */
record SqlFunction(String name, String usage, String arguments, String examples,
    Map<Integer, Supplier<UserDefinedFunction>> overloads) {

  static final String SINCE = "0.1.0";

  SqlFunction {
    overloads = new TreeMap<>(overloads);
  }

  FunctionIdentifier identifier() {
    return new FunctionIdentifier(name, Option.empty(), Option.empty());
  }

  ExpressionInfo info() {
    return new ExpressionInfo(
        ScriptoriumFunctions.class.getName(), null, name, usage,
        "\n    Arguments:\n" + indent(arguments, "      ") + "\n  ",
        "\n    Examples:\n" + indent(examples, "      ") + "\n  ",
        "", "", SINCE, "", "java_udf");
  }

  /** Spark's function builder: argument expressions in, the named UDF call out. */
  AbstractFunction1<Seq<Expression>, Expression> builder() {
    return new AbstractFunction1<>() {
      @Override
      public Expression apply(Seq<Expression> children) {
        Supplier<UserDefinedFunction> udf = overloads.get(children.size());
        if (udf == null) {
          throw new IllegalArgumentException("Invalid number of arguments for " + name + ": " + children.size()
              + " given, " + counts() + " expected. Usage: " + usage.replace("_FUNC_", name));
        }
        SparkUserDefinedFunction named = (SparkUserDefinedFunction) udf.get().withName(name);
        return UserDefinedFunctionUtils.toScalaUDF(named, children);
      }
    };
  }

  private String counts() {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (Integer n : overloads.keySet()) {
      if (i > 0) {
        out.append(i == overloads.size() - 1 ? " or " : ", ");
      }
      out.append(n);
      i++;
    }
    return out.toString();
  }

  private static String indent(String text, String prefix) {
    return prefix + text.strip().replace("\n", "\n" + prefix);
  }
}

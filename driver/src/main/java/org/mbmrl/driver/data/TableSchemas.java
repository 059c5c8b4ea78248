package org.mbmrl.driver.data;

import static org.mbmrl.datasets.Schema.*;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mbmrl.driver.UserError;

/** Spark schemas of the {@code tasks} and {@code transitions} tables, and their checks. */
public final class TableSchemas {
    private TableSchemas() {}

    public static StructType tasks() {
        return new StructType(new StructField[] {
            DataTypes.createStructField(TASK_ID, DataTypes.LongType, false),
            DataTypes.createStructField(FAMILY, DataTypes.StringType, false),
            DataTypes.createStructField(SPLIT, DataTypes.StringType, false),
            DataTypes.createStructField(PARAMS, DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), false),
            DataTypes.createStructField(SEED, DataTypes.LongType, false),
        });
    }

    /** The transitions schema; vector columns carry their length as column metadata. */
    public static StructType transitions(int observationDim, int actionDim) {
        ArrayType floats = DataTypes.createArrayType(DataTypes.FloatType, false);
        return new StructType(new StructField[] {
            DataTypes.createStructField(TASK_ID, DataTypes.LongType, false),
            DataTypes.createStructField(EPISODE, DataTypes.IntegerType, false),
            DataTypes.createStructField(STEP, DataTypes.IntegerType, false),
            DataTypes.createStructField(OBSERVATION, floats, false, dim(observationDim)),
            DataTypes.createStructField(ACTION, floats, false, dim(actionDim)),
            DataTypes.createStructField(NEXT_OBSERVATION, floats, false, dim(observationDim)),
            DataTypes.createStructField(REWARD, DataTypes.FloatType, false),
            DataTypes.createStructField(TERMINATED, DataTypes.BooleanType, false),
            DataTypes.createStructField(TRUNCATED, DataTypes.BooleanType, false),
        });
    }

    private static Metadata dim(int d) {
        return new MetadataBuilder().putLong(DIM_METADATA, d).build();
    }

    /**
     * Checks that {@code actual} has every column of {@code expected} with the same type
     * (nullability and metadata aside); the error names the table, column and types.
     */
    public static void check(String table, StructType expected, StructType actual) {
        for (StructField f : expected.fields()) {
            if (!java.util.Arrays.asList(actual.fieldNames()).contains(f.name())) {
                throw new UserError(table + ": missing column '" + f.name() + "' (" + f.dataType().simpleString() + ")");
            }
            DataType got = actual.apply(f.name()).dataType();
            if (!sameType(f.dataType(), got)) {
                throw new UserError(table + ": column '" + f.name() + "' has type " + got.simpleString() + ", expected "
                        + f.dataType().simpleString());
            }
        }
    }

    private static boolean sameType(DataType a, DataType b) {
        return a.simpleString().equals(b.simpleString());
    }
}

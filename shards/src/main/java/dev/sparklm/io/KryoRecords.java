package dev.sparklm.io;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.factories.ReflectionSerializerFactory;
import com.esotericsoftware.kryo.factories.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Externalizable;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer (spark.serializer, often set in a cluster's defaults) carry what
 * the jobs shuffle, broadcast and return from tasks, which were written for Java serialization.
 * Kryo 4 (Spark's) writes an object field by field, so without this
 * <ul>
 * <li>a Java record failed the first job that moved one: Kryo sets fields through Unsafe offsets,
 *     which the JVM refuses for records. A record is written as its components and rebuilt
 *     through its canonical constructor, as Java serialization rebuilds it;</li>
 * <li>a class that writes itself ({@code writeObject}, {@code Externalizable}), such as the
 *     training job's parameter vectors kept in transient fields, arrived empty: Kryo skips
 *     transient fields. Such a class is written by Java serialization, as its author meant;</li>
 * <li>an immutable list, set or map ({@code List.of}, {@code toList()}) failed to read back:
 *     Kryo rebuilds a collection by adding to an empty one. They are written by Java
 *     serialization too.</li>
 * </ul>
 * {@link SparkSessions} adds this registrator to whatever spark.kryo.registrator already lists.
 */
public final class KryoRecords implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, new RecordSerializer());
        for (String immutable : new String[] {"java.util.ImmutableCollections$AbstractImmutableCollection",
                                              "java.util.ImmutableCollections$AbstractImmutableMap"}) {
            try {
                kryo.addDefaultSerializer(Class.forName(immutable), JavaSerializer.class);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("this JVM has no " + immutable, e);
            }
        }
        // Classes with no registration and no default serializer of Kryo's (its own, chill's,
        // the ones above): Kryo's field serializer, unless the class writes itself.
        SerializerFactory fields = new ReflectionSerializerFactory(FieldSerializer.class);
        kryo.setDefaultSerializer(new SerializerFactory() {
            @Override
            @SuppressWarnings("rawtypes")
            public Serializer makeSerializer(Kryo k, Class<?> type) {
                return writesItself(type) ? new JavaSerializer() : fields.makeSerializer(k, type);
            }
        });
    }

    /** Whether Java serialization of {@code type} runs code of the class's own (fields Kryo would get wrong). */
    static boolean writesItself(Class<?> type) {
        if (!Serializable.class.isAssignableFrom(type)) {
            return false;
        }
        if (Externalizable.class.isAssignableFrom(type)) {
            return true;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod("writeObject", ObjectOutputStream.class);
                if (Modifier.isPrivate(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                    return true;
                }
            } catch (NoSuchMethodException e) {
                // not this class: its superclass may
            }
        }
        return false;
    }

    /** Components in declaration order, each with its class (a component may hold a subtype, or null). */
    static final class RecordSerializer extends Serializer<Record> {
        private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
            @Override
            protected Shape computeValue(Class<?> type) {
                return new Shape(type);
            }
        };

        RecordSerializer() {
            setImmutable(true);   // copy() returns the record itself: its fields cannot change
        }

        @Override
        public void write(Kryo kryo, Output out, Record record) {
            Shape shape = SHAPES.get(record.getClass());
            for (Method getter : shape.getters) {
                try {
                    kryo.writeClassAndObject(out, getter.invoke(record));
                } catch (ReflectiveOperationException e) {
                    throw new KryoException("cannot read " + getter + " of " + record.getClass().getName(), e);
                }
            }
        }

        @Override
        public Record read(Kryo kryo, Input in, Class<Record> type) {
            Shape shape = SHAPES.get(type);
            Object[] values = new Object[shape.getters.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = kryo.readClassAndObject(in);
            }
            try {
                return (Record) shape.constructor.newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new KryoException("cannot rebuild a " + type.getName(), e);
            }
        }
    }

    private static final class Shape {
        final Method[] getters;
        final Constructor<?> constructor;

        Shape(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            getters = new Method[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                getters[i] = components[i].getAccessor();
                getters[i].setAccessible(true);   // records nested in a package-private class
                types[i] = components[i].getType();
            }
            try {
                constructor = type.getDeclaredConstructor(types);
            } catch (NoSuchMethodException e) {
                throw new KryoException("no canonical constructor in record " + type.getName(), e);
            }
            constructor.setAccessible(true);
        }
    }
}

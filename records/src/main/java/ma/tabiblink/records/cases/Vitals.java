package ma.tabiblink.records.cases;

import ma.tabiblink.records.RecordsException;

/**
 * The measurements a nurse takes before asking a specialist, each optional, each in one fixed unit (UCUM code in
 * brackets) except blood glucose, which Moroccan laboratories report in g/L and others in mmol/L or mg/dL. The ranges
 * refuse typing mistakes (a temperature of 375, a weight in grams), not abnormal values: those are why the nurse asks.
 *
 * @param systolicMmHg        systolic blood pressure [mm[Hg]], given with the diastolic
 * @param diastolicMmHg       diastolic blood pressure [mm[Hg]]
 * @param heartRatePerMinute  heart rate [/min]
 * @param temperatureCelsius  body temperature [Cel]
 * @param oxygenSaturation    SpO₂ [%]
 * @param glucose             blood glucose with its unit
 * @param weightKg            body weight [kg]
 */
public record Vitals(Integer systolicMmHg, Integer diastolicMmHg, Integer heartRatePerMinute,
                     Double temperatureCelsius, Integer oxygenSaturation, Glucose glucose, Double weightKg) {

    public static final Vitals NONE = new Vitals(null, null, null, null, null, null, null);

    /** A blood glucose reading in the unit the nurse's meter or laboratory gives. */
    public record Glucose(double value, GlucoseUnit unit) {

        public double mmolPerLitre() {
            return value * unit.toMmolPerLitre;
        }
    }

    /** Units of blood glucose, with the factor to mmol/L (molar mass of glucose 180.16 g/mol). */
    public enum GlucoseUnit {
        GRAMS_PER_LITRE("g/L", 1000 / 180.16), MILLIGRAMS_PER_DECILITRE("mg/dL", 10 / 180.16),
        MILLIMOLES_PER_LITRE("mmol/L", 1);

        private final String ucum;
        private final double toMmolPerLitre;

        GlucoseUnit(String ucum, double toMmolPerLitre) {
            this.ucum = ucum;
            this.toMmolPerLitre = toMmolPerLitre;
        }

        public String ucum() {
            return ucum;
        }
    }

    /** Refuses a reading outside what a living patient can show, naming the field and its range. */
    public Vitals validated() {
        if ((systolicMmHg == null) != (diastolicMmHg == null)) {
            throw RecordsException.invalid("vitals: blood pressure needs both the systolic and the diastolic value");
        }
        range("systolicMmHg", systolicMmHg, 50, 300, "mmHg");
        range("diastolicMmHg", diastolicMmHg, 20, 200, "mmHg");
        if (systolicMmHg != null && diastolicMmHg >= systolicMmHg) {
            throw RecordsException.invalid("vitals: the diastolic pressure must be below the systolic one");
        }
        range("heartRatePerMinute", heartRatePerMinute, 20, 300, "/min");
        range("temperatureCelsius", temperatureCelsius, 25, 45, "°C");
        range("oxygenSaturation", oxygenSaturation, 40, 100, "%");
        range("weightKg", weightKg, 0.3, 350, "kg");
        if (glucose != null) {
            if (glucose.unit() == null) {
                throw RecordsException.invalid("vitals: glucose needs its unit (g/L, mg/dL or mmol/L)");
            }
            double mmol = glucose.mmolPerLitre();
            if (!Double.isFinite(glucose.value()) || mmol < 0.5 || mmol > 60) {
                throw RecordsException.invalid("vitals: glucose must be between 0.5 and 60 mmol/L (0.09 to 10.8 g/L)");
            }
        }
        return this;
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    private static void range(String field, Number value, double min, double max, String unit) {
        if (value == null) {
            return;
        }
        double v = value.doubleValue();
        if (!Double.isFinite(v) || v < min || v > max) {
            throw RecordsException.invalid("vitals: " + field + " must be between " + plain(min) + " and " + plain(max)
                    + " " + unit);
        }
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}

// The specialty codes of the 2023 mobile-unit programme; names come from the message bundles.
export const SPECIALTIES = ['cardiology', 'paediatrics', 'dermatology', 'gynaecology-obstetrics', 'endocrinology', 'ent', 'pulmonology'];

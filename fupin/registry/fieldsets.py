"""Named groups of household and member fields, shared by actions, forms and pages."""

HOUSING_FIELDS = (
    "housing_grade",
    "house_area",
    "water_safe",
    "electricity",
    "sanitary_toilet",
    "road_hardened",
    "distance_to_road_km",
)
LAND_FIELDS = (
    "arable_land_mu",
    "forest_land_mu",
    "returned_farmland_mu",
    "orchard_mu",
    "pasture_mu",
    "water_surface_mu",
)
CAUSE_FIELDS = ("main_cause", "second_cause", "third_cause")
INSURANCE_FIELDS = (
    "resident_medical_insurance",
    "employee_medical_insurance",
    "critical_illness_insurance",
    "commercial_medical_insurance",
    "medical_assistance",
    "resident_pension",
    "employee_pension",
)
SUPPORT_FIELDS = ("dibao", "tekun")
